#pragma once

#include "config/defaults.hpp"
#include "config/load.hpp"
#include "config/simple_pattern.hpp"
#include "health/alert_state.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::health {

// Netdata 1.37.1's health.d files (`alarm:` and `template:` entities) as typed
// definitions, following docs/health.md "health.d files". Expressions stay raw
// strings; health/expression.hpp parses them. Nothing here throws on bad input:
// every problem becomes a diagnostic naming `file:line`.

/// A finding of the loader; same type as config's, so check-config can print
/// both. `error`: Netdata logs it and ignores the line, value or entity.
/// `note`: harmless but worth knowing (a repeated key, a no-op line).
using diagnostic = config::diagnostic;

using config::simple_pattern;

/// Host or chart labels, name and value.
using label_list = std::vector<std::pair<std::string, std::string>>;

// -- values
// --------------------------------------------------------------------

/// Parses a Netdata duration (docs/health.md "Keywords"): `never` = 0, else a
/// number that starts with a digit, `+` or `-` (decimals allowed), then an
/// optional unit `s m h d w M Y`; only the first char after the number is read
/// and any other char means seconds (`10min` = 600). Truncated to whole
/// seconds. nullopt if unparsable or outside ±2^31 seconds (the caller then
/// uses 0).
std::optional<int64_t> parse_duration(std::string_view text);

/// A `green:`/`red:` number: the expression number syntax (digits, optional
/// `.fraction` and exponent, optional sign, lowercase `nan`/`inf`). Returns
/// the value of the longest valid prefix and how many chars it used (0 when
/// nothing parsed; the value is then NaN).
std::pair<double, size_t> parse_threshold(std::string_view text);

/// Entity names keep `[A-Za-z0-9._]`; any other char becomes `_`.
std::string sanitize_name(std::string_view name);

// -- lookup
// --------------------------------------------------------------------

/// The per-dimension reduction of a `lookup` line (docs/health.md "lookup
/// lines").
enum class lookup_method : uint8_t {
  average,
  min,
  max,
  sum,
  incremental_sum,
  median,
  trimmed_median,
  trimmed_mean,
  percentile,
  stddev,
  cv,
  variance,
  ses,
  des,
  countif,
};

/// Canonical spelling: "average", "incremental_sum", "trimmed-median", ...
std::string_view to_string(lookup_method x) noexcept;

/// Recognises a METHOD word (case-sensitive, aliases included) and its
/// parameter: `trimmed-median10` → {trimmed_median, 10}; bare
/// `trimmed-median`/`trimmed-mean` → 5, bare `percentile` → 95; 0 for methods
/// without a parameter. nullopt for an unknown word or parameter.
std::optional<std::pair<lookup_method, int>>
parse_lookup_method(std::string_view word);

/// `lookup: METHOD AFTER [at BEFORE] [every DUR] [OPTION ...]
///          [of DIMS [foreach DIMS]] | [foreach DIMS]`
struct lookup_spec {
  /// METHOD as written, e.g. "trimmed-median10" or "mean".
  std::string method_name;
  lookup_method method = lookup_method::average;
  /// N of trimmed-median/trimmed-mean/percentile, else 0.
  int method_parameter = 0;
  /// Window start relative to its end, seconds (normally negative).
  int64_t after = 0;
  /// `at D`: window end, seconds relative (0 = the chart's last entry).
  int64_t before = 0;
  /// `absolute` | `abs` | `absolute_sum`.
  bool absolute = false;
  bool min2max = false;
  bool percentage = false;
  bool null2zero = false;
  bool unaligned = false;
  /// `anomaly-bit`: query the anomaly rate instead of the values.
  bool anomaly_bit = false;
  /// `match-ids` | `match_ids`: test the `of` filter on dimension ids only.
  bool match_ids = false;
  /// `match-names` | `match_names`: test it on dimension names only.
  bool match_names = false;
  /// Text after `of` up to ` foreach`; empty without `of`. May be "all".
  std::string dimensions;
  /// The `of` filter, words separated by `,` `|` (and tab, CR, LF, FF, VT);
  /// a space belongs to a dimension name. nullopt = every dimension (no `of`,
  /// or `of all`). An uncompilable pattern is an empty pattern (no dims).
  std::optional<simple_pattern> dimension_filter;
  /// Text after `foreach`; empty without it.
  std::string foreach_dimensions;
  /// `foreach` as a space-separated pattern (`,` and `|` count as spaces).
  /// Templates only; an alarm keeps it and ignores it.
  std::optional<simple_pattern> foreach_filter;

  /// True if dimension (`id`, `name`) passes the `of` filter, honouring
  /// match-ids / match-names (neither: id or name).
  bool selects(std::string_view id, std::string_view name) const;
};

/// A `lookup:` value parsed on its own.
struct lookup_parse {
  /// nullopt if the line is rejected (no METHOD, unknown METHOD, nothing
  /// after it): Netdata then drops the whole line.
  std::optional<lookup_spec> lookup;
  /// The `every` the line sets: abs(AFTER), or `every D` inside the line.
  int64_t every = 0;
  /// Problems, without position; each is an error.
  std::vector<std::string> errors;
};

/// Parses the value of a `lookup:` line (docs/health.md "lookup lines").
lookup_parse parse_lookup(std::string_view value);

// -- definitions
// ---------------------------------------------------------------

/// `repeat: off | [warning D] [critical D]` (docs/health.md "Repeat").
struct repeat_settings {
  int64_t warning = 0;
  int64_t critical = 0;

  bool repeating() const noexcept {
    return warning > 0 || critical > 0;
  }
};

/// `delay: [up D] [down D] [multiplier F] [max D]`: every line starts from
/// up 0, down 0, multiplier 1; a missing `max` becomes
/// max(up × multiplier, down × multiplier). Words are read in pairs.
delay_settings parse_delay(std::string_view value,
                           std::vector<std::string>& errors);

/// `repeat: off | [warning D] [critical D]`, applied on top of `current`.
repeat_settings parse_repeat(std::string_view value, repeat_settings current,
                             std::vector<std::string>& errors);

/// One `alarm:` or `template:` entity of a health.d file.
struct alert_definition {
  /// `template:` (a whole context) rather than `alarm:` (one chart).
  bool is_template = false;
  /// The entity name, sanitised (§1.2).
  std::string name;
  /// alarm: exact chart id or name; template: exact context. Never a pattern.
  std::string on;

  // Filters. `os`/`hosts` may repeat: all lines must match.
  std::vector<simple_pattern> os;
  std::vector<simple_pattern> hosts;
  std::optional<simple_pattern> plugin;
  std::optional<simple_pattern> module;
  /// Templates only: chart id or name.
  std::optional<simple_pattern> charts;
  /// Templates only: chart family; also part of the template's key.
  std::optional<simple_pattern> families;
  /// Spaces around `=` removed before compiling (§1.6).
  std::optional<simple_pattern> host_labels;

  // What to compute.
  std::optional<lookup_spec> lookup;
  /// Raw expressions; empty = absent (missing, or rejected by the
  /// `check_expression` hook of `load_options`).
  std::string calc;
  std::string warn;
  std::string crit;
  /// Lines of the calc/warn/crit keys (0 = absent), for expression errors.
  size_t calc_line = 0;
  size_t warn_line = 0;
  size_t crit_line = 0;
  /// Evaluation period, seconds. Default abs(lookup AFTER), else 0; set by
  /// `lookup ... every D` and by `every:` (whichever comes last).
  int64_t every = 0;
  double green = std::numeric_limits<double>::quiet_NaN();
  double red = std::numeric_limits<double>::quiet_NaN();

  // Notification.
  std::string to = "root";
  /// Default: `load_options::default_exec`.
  std::string exec;
  delay_settings delay;
  /// Default: `load_options::default_repeat_*`.
  repeat_settings repeat;
  /// `options: no-clear-notification` (alias `no-clear`).
  bool no_clear_notification = false;

  // Text. For units/info/class/type/component each `'` and `"` became a
  // space (no re-trim). Empty = unset: units then come from the chart at link
  // time, class/type/component show as "Unknown".
  std::string info;
  std::string units;
  std::string classification; // `class:`
  std::string type;
  std::string component;

  /// Full path (or the name given to `parse_health_text`).
  std::string file;
  /// Line of the `alarm:`/`template:` keyword.
  size_t line = 0;

  /// Netdata's `source`: "<line>@<file>".
  std::string source() const;

  /// The key in the host's index: alarm "<on>/<name>", template
  /// "<name>/<families source or *>". The first definition with a key wins.
  std::string key() const;

  /// True if the lookup is an actual query (AFTER ≠ 0).
  bool has_lookup() const noexcept {
    return lookup && lookup->after != 0;
  }
};

// -- loading
// -------------------------------------------------------------------

/// What the loader needs from netdata.conf `[health]` (docs/health.md "[health]
/// in netdata.conf").
struct load_options {
  /// `[health] script to execute on alarm`: `<plugins dir>/alarm-notify.sh`.
  std::string default_exec
      = std::string{config::defaults::plugins_dir} + "/alarm-notify.sh";
  /// `[health] default repeat warning` (never = 0).
  int64_t default_repeat_warning = 0;
  /// `[health] default repeat critical` (never = 0).
  int64_t default_repeat_critical = 0;
  /// Optional: validates a calc/warn/crit expression, returning an error
  /// message or an empty string. A rejected expression is left absent and
  /// reported at its line (§1.8). Unset: every expression is accepted.
  std::function<std::string(std::string_view)> check_expression;
};

/// The outcome of loading health.d files.
struct load_result {
  /// Entities that pass Netdata's host-independent registration checks (`on`
  /// present, `every` ≠ 0, something to compute), in load order. `os`,
  /// `hosts` and duplicate keys are per host: see `select_for_host`.
  std::vector<alert_definition> definitions;
  /// Errors and notes, in load order.
  std::vector<diagnostic> diagnostics;
  /// The files read, in load order.
  std::vector<std::string> files;

  /// True if no diagnostic is an error.
  bool ok() const;

  /// Number of diagnostics of level `x`.
  size_t count(diagnostic::severity x) const;
};

/// Parses one health.d file's text; `file_name` goes into diagnostics and
/// the definitions' `file`.
load_result parse_health_text(std::string_view text,
                              const std::string& file_name,
                              const load_options& opts = {});

/// Appends the results of parsing `text` to `result`.
void parse_health_text(load_result& result, std::string_view text,
                       const std::string& file_name,
                       const load_options& opts = {});

/// Loads `*.conf` (names longer than 5 chars) from `user_dir`, then from
/// `stock_dir` those whose name the user dir lacks (only if `enable_stock`,
/// i.e. `[health] enable stock health configuration`). Subdirectories are
/// followed 3 levels deep; a stock subdirectory is entered on its own only if
/// the user dir has no subdirectory of that name (otherwise together with
/// it, with the same override rule). Netdata reads directories in readdir()
/// order; we sort by name so that "first definition wins" is reproducible.
/// A missing user dir is a note; a missing stock dir (when enabled) an error.
load_result load_health_dirs(const std::string& user_dir,
                             const std::string& stock_dir, bool enable_stock,
                             const load_options& opts = {});

// -- attaching (docs/health.md "Attaching alerts")
// -----------------------------------------------

/// What the `os` and `hosts` filters test.
struct host_facts {
  /// The host OS string, e.g. "linux".
  std::string os;
  /// The host's own hostname (a child's, for a child).
  std::string hostname;
};

/// True if every `os` line matches `h.os` and every `hosts` line matches
/// `h.hostname`. Otherwise the definition is not loaded for that host.
bool applies_to_host(const alert_definition& d, const host_facts& h);

/// The `host labels` test at link time: passes without a `host labels` line
/// and for a host with no label dictionary (`labels == nullptr`); otherwise
/// some label must match on its name or on "name=value".
bool host_labels_match(const alert_definition& d, const label_list* labels);

/// The "delete alarms not matching host labels" pass after loading: like
/// `host_labels_match`, but a missing or empty label set fails a definition
/// that has a `host labels` line.
bool survives_host_label_pass(const alert_definition& d,
                              const label_list* labels);

/// What the attach rules test about a chart.
struct chart_facts {
  std::string id;
  std::string name;
  std::string context;
  std::string family;
  std::string plugin;
  std::string module;
  /// Dimension ids and names.
  std::vector<std::pair<std::string, std::string>> dimensions;
};

/// True if `d` links to chart `c` of a host with labels `host_labels`
/// (nullptr = no label dictionary). Alarm: `on` equals the chart id or name
/// and plugin/module/host labels pass. Template: `on` equals the context, a
/// `foreach` template needs ≥ 1 dimension, and charts (id or name),
/// families, plugin, module and host labels pass.
bool applies_to(const alert_definition& d, const chart_facts& c,
                const label_list* host_labels = nullptr);

/// The alerts a template creates on a chart it applies to: one named like
/// the template without `foreach`, else one per dimension whose id or name
/// matches the foreach pattern, named "<template>_<dimension name>" (not
/// sanitised), in dimension order. Empty for alarms.
std::vector<std::string> template_instance_names(const alert_definition& d,
                                                 const chart_facts& c);

/// Key of an alert on a chart: "<chart id>/<alert name>". A template
/// instance is not created when the key exists (an alarm wins).
std::string instance_key(std::string_view chart_id, std::string_view name);

/// The definitions a host registers, in load order.
struct host_selection {
  /// Pointers into the `load_result` given to `select_for_host`.
  std::vector<const alert_definition*> alarms;
  std::vector<const alert_definition*> templates;
  /// A note per definition dropped because its key was already taken.
  std::vector<diagnostic> diagnostics;
};

/// Applies `os`/`hosts` for `h` and Netdata's duplicate-key rule (the first
/// definition with a key wins, so user files beat stock files).
host_selection select_for_host(const load_result& x, const host_facts& h);

} // namespace tributary::health

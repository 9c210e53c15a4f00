#pragma once

#include "base/error.hpp"
#include "protocol/tokenizer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tributary::protocol {

// The v1.37.1 text protocol (docs/protocol.md "Commands"). One struct per
// keyword. Every `write_command` output ends with `\n` and is byte-for-byte
// what a 1.37.1 agent prints for the same values.

/// A double as Netdata prints it with `%0.7f`. Keeps the text it was parsed
/// from, so that a value re-writes exactly even where a double cannot hold
/// all printed digits (Netdata may print from a long double).
struct decimal {
  /// The numeric value (NaN for `nan`/`NAN`).
  double value = 0;
  /// The word as received; empty for values made by us. Writers print
  /// `text` when set, else `value` with `%0.7f`.
  std::string text;

  decimal() = default;

  /// A value of ours, printed with `%0.7f`.
  explicit decimal(double x) : value(x) {
    // nop
  }
};

/// `CHART "type.id" "name" "title" "units" "family" "context" "charttype"
/// priority update_every "options" "plugin" "module"` (C->P).
struct chart {
  std::string id;
  /// Without the `type.` prefix; empty when equal to the id.
  std::string name;
  std::string title;
  std::string units;
  std::string family;
  std::string context;
  /// `line`, `area` or `stacked`.
  std::string chart_type;
  int64_t priority = 1000;
  int64_t update_every = 0;
  /// Four option slots joined by spaces: `obsolete detail store_first
  /// hidden`, each the word or empty (`"   "` for none).
  std::string options;
  std::string plugin;
  std::string module;

  /// Substring checks the parent does on `options`.
  bool obsolete() const;
  bool detail() const;
  bool store_first() const;
  bool hidden() const;
};

/// `CLABEL "name" "value" source` (C->P, CLABELS).
struct clabel {
  std::string name;
  std::string value;
  /// Bitmask: 1 auto, 2 config, 4 k8s, 8 aclk; bit 29 may leak through.
  int64_t source = 0;
};

/// `CLABEL_COMMIT` (C->P, CLABELS).
struct clabel_commit {};

/// `DIMENSION "id" "name" "algorithm" multiplier divisor "options"` (C->P).
struct dimension {
  std::string id;
  std::string name;
  /// `absolute`, `incremental`, `percentage-of-absolute-row`, ...
  std::string algorithm;
  int64_t multiplier = 1;
  int64_t divisor = 1;
  /// Three slots `obsolete hidden noreset`, e.g. `"  "` or `" hidden "`.
  std::string options;

  bool obsolete() const;
  bool hidden() const;
  /// `noreset` or `nooverflow`.
  bool noreset() const;
};

/// `FUNCTION [GLOBAL] "name" timeout "help"` (C->P definition, FUNCTIONS).
struct function_def {
  bool global = false;
  std::string name;
  int64_t timeout = 10;
  std::string help;
};

/// Scope word of a VARIABLE line.
enum class variable_scope { none, host, global, chart, local };

/// `VARIABLE [HOST|GLOBAL|CHART|LOCAL] name = value` (C->P).
struct variable {
  variable_scope scope = variable_scope::none;
  std::string name;
  /// nullopt if the line had no value (parents log and ignore it).
  std::optional<decimal> value;
};

/// `CHART_DEFINITION_END first_entry last_entry child_now` (C->P,
/// REPLICATION).
struct chart_definition_end {
  int64_t first_entry = 0;
  int64_t last_entry = 0;
  int64_t child_now = 0;
};

/// `BEGIN "type.id" [microseconds]` (C->P).
struct begin {
  std::string chart_id;
  /// Microseconds since the chart's previous collection; nullopt if absent.
  std::optional<uint64_t> microseconds;
};

/// `SET "dim" = value` (C->P): raw collected integer, nullopt = empty.
struct set {
  std::string dimension_id;
  std::optional<int64_t> value;
};

/// `END` (C->P).
struct end {};

/// `LABEL "name" = source "value"` (C->P, HLABELS).
struct label {
  std::string name;
  int64_t source = 0;
  /// With more than 4 words, words 3.. joined by single spaces.
  std::string value;
};

/// `OVERWRITE labels` (C->P, HLABELS); the argument is ignored by parents.
struct overwrite {
  std::string argument = "labels";
};

/// `CLAIMED_ID machine_guid claim_id` (C->P, CLAIM), unquoted.
struct claimed_id {
  std::string machine_guid;
  /// Empty for `NULL` (not claimed).
  std::string claim_id;
};

/// `REPLAY_CHART "type.id" "true|false" after before` (P->C, REPLICATION).
struct replay_chart {
  std::string chart_id;
  bool start_streaming = false;
  int64_t after = 0;
  int64_t before = 0;
};

/// `RBEGIN "type.id"` (select chart) or `RBEGIN '' start end [now]` (one
/// point) (C->P, REPLICATION).
struct rbegin {
  /// Empty in the timed form (written as `''`).
  std::string chart_id;
  /// True for the timed form.
  bool has_times = false;
  int64_t point_start = 0;
  int64_t point_end = 0;
  /// Child wall clock; nullopt if absent.
  std::optional<int64_t> child_now;
};

/// `RSET "dim" value "flags"` (C->P): stored value; flags "", "R" or "E".
/// A missing or non-numeric value reads as NaN (an empty slot); its text is
/// kept in `value.text`.
struct rset {
  std::string dimension_id;
  decimal value;
  std::string flags;
};

/// `RDSTATE "dim" last_collected_ut last_collected_value
/// last_calculated_value last_stored_value` (C->P).
struct rdstate {
  std::string dimension_id;
  uint64_t last_collected_ut = 0;
  int64_t last_collected_value = 0;
  decimal last_calculated_value;
  decimal last_stored_value;
};

/// `RSSTATE last_collected_ut last_updated_ut` (C->P).
struct rsstate {
  uint64_t last_collected_ut = 0;
  uint64_t last_updated_ut = 0;
};

/// `REND update_every first last true|false after before child_now` (C->P).
struct rend {
  int64_t update_every = 0;
  int64_t db_first = 0;
  int64_t db_last = 0;
  bool start_streaming = false;
  int64_t requested_after = 0;
  int64_t requested_before = 0;
  /// nullopt if absent (REND needs at least 6 parameters).
  std::optional<int64_t> child_now;
};

/// `FUNCTION transaction timeout "function and parameters"` (P->C call).
struct function_call {
  std::string transaction;
  int64_t timeout = 10;
  std::string function;
};

/// `FUNCTION_RESULT_BEGIN "transaction" code "content_type" expires` (C->P).
/// The payload lines follow verbatim until FUNCTION_RESULT_END.
struct function_result_begin {
  std::string transaction;
  int64_t code = 0;
  std::string content_type;
  int64_t expires = 0;
};

/// `FUNCTION_RESULT_END` (C->P).
struct function_result_end {};

/// A whole function result: the begin line, its payload and the end line,
/// as assembled by `command_reader`.
struct function_result {
  function_result_begin header;
  /// Every payload line with its `\n`.
  std::string payload;
};

/// `FLUSH` (C->P; never sent by streaming children).
struct flush {};

/// `DISABLE` (C->P; makes the parent disconnect).
struct disable {};

/// Any v1.37.1 command.
using command
    = std::variant<chart, clabel, clabel_commit, dimension, function_def,
                   variable, chart_definition_end, begin, set, end, label,
                   overwrite, claimed_id, replay_chart, rbegin, rset, rdstate,
                   rsstate, rend, function_call, function_result_begin,
                   function_result_end, function_result, flush, disable>;

/// Who sends the line; only `FUNCTION` needs it (definition from a child,
/// call from a parent: same shape of words).
enum class direction { to_parent, to_child };

/// The keyword of `x`, e.g. "BEGIN".
std::string_view keyword(const command& x);

/// Parses tokenized words into a command. Errors: ec::malformed for no words,
/// ec::unknown_command ("unknown command 'XYZ'") for a keyword v1.37.1 does
/// not define, ec::bad_parameters for missing or unparsable parameters. The
/// position of errors is the index of the offending word.
expected<command> parse_command(const words& ws,
                                direction dir = direction::to_parent);

/// Tokenizes and parses one line (without or with its `\n`).
expected<command> parse_line(std::string_view line,
                             direction dir = direction::to_parent);

/// Appends the line(s) of `x`, newline included, to `out`.
void write_command(const command& x, std::string& out);

/// Returns the line(s) of `x`.
std::string to_string(const command& x);

} // namespace tributary::protocol

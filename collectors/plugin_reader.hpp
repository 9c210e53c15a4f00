#pragma once

// The parsing core of an external plugins.d collector: turns the stdout bytes
// of a plugin (any chunking) into chart definitions and chart rows, the way
// Netdata 1.37.1's pluginsd parser reads them. Plain C++, no CAF.

#include "base/error.hpp"
#include "protocol/chart_def.hpp"
#include "protocol/command_reader.hpp"
#include "protocol/commands.hpp"
#include "protocol/line_splitter.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary {

/// `VARIABLE [HOST|GLOBAL|CHART|LOCAL] name = value` from a plugin.
struct plugin_variable {
  protocol::variable_scope scope = protocol::variable_scope::none;
  /// The chart the variable belongs to (CHART/LOCAL scope, or none given
  /// while a chart is current); empty for host variables.
  std::string chart_id;
  std::string name;
  double value = 0;
};

/// The plugin asked to be stopped (`DISABLE`).
struct plugin_disable {};

/// `FLUSH`: the plugin dropped what it had begun.
struct plugin_flush {};

/// What a plugin's output yields, in order. An `error` is always the last
/// event: like Netdata, the reader then ignores the rest of the output and
/// the plugin is to be stopped.
using plugin_event = std::variant<chart_def, chart_row, plugin_variable,
                                  plugin_disable, plugin_flush, error>;

/// Reads a plugins.d program's stdout.
///
/// - `CHART` + its `CLABEL`/`CLABEL_COMMIT`/`DIMENSION` lines become one
///   `chart_def`, yielded at the next other command (or at `finish()`); a
///   CHART for a known id updates it (dimensions kept, new ones appended).
/// - `BEGIN id [usec]` .. `SET dim = v` .. `END` becomes one `chart_row`
///   with the values in the chart's dimension order (`is_set` 0 where no SET
///   came); `microseconds` is BEGIN's value (0 if absent), `now_usec` the
///   time given to `feed()`.
/// - `VARIABLE` with a value yields a `plugin_variable` (without a value it
///   is ignored, as Netdata does); `DISABLE` yields `plugin_disable` and ends
///   the reading; `FLUSH` drops an open BEGIN and yields `plugin_flush`.
/// - `FUNCTION`, `LABEL`, `OVERWRITE` and the streaming-only commands are
///   accepted and ignored.
/// - Errors (yielded as `error` values, then nothing more): an unknown
///   keyword (ec::unknown_command, naming it), unparsable parameters, a line
///   too long, BEGIN of an undefined chart, SET/END outside BEGIN, SET of an
///   unknown dimension, DIMENSION without CHART (ec::unknown_reference).
///   Positions are 1-based line numbers.
class plugin_reader {
public:
  /// `plugin_name` fills CHART lines whose plugin field is empty;
  /// `update_every` fills a missing or 0 update_every.
  explicit plugin_reader(std::string plugin_name = {},
                         int64_t update_every = 1);

  /// Consumes stdout bytes of the plugin; appends the events they complete.
  void feed(std::string_view bytes, uint64_t now_usec,
            std::vector<plugin_event>& out);

  /// The plugin's stdout closed: yields a pending definition, and an error
  /// for a partial last line.
  void finish(std::vector<plugin_event>& out);

  /// True after DISABLE or an error: the plugin must be stopped.
  bool stopped() const noexcept {
    return stopped_;
  }

  /// True if the plugin said DISABLE.
  bool disabled() const noexcept {
    return disabled_;
  }

  /// The charts defined so far.
  const chart_def* find(const std::string& chart_id) const;

private:
  struct chart_entry {
    chart_def def;
    std::map<std::string, size_t> dim_index;
  };

  void handle(const protocol::command& cmd, uint64_t now_usec,
              std::vector<plugin_event>& out);
  void flush_definition(std::vector<plugin_event>& out);
  void fail(error err, std::vector<plugin_event>& out);

  std::string plugin_name_;
  int64_t update_every_;
  protocol::line_splitter lines_;
  protocol::command_reader reader_;
  std::map<std::string, chart_entry> charts_;
  /// The chart of the last CHART (for DIMENSION/CLABEL/VARIABLE).
  chart_entry* current_ = nullptr;
  /// Set while a definition awaits its end.
  chart_entry* pending_def_ = nullptr;
  /// CLABELs awaiting CLABEL_COMMIT.
  std::vector<std::pair<std::string, std::string>> pending_labels_;
  /// The chart between BEGIN and END.
  chart_entry* collecting_ = nullptr;
  chart_row row_;
  bool stopped_ = false;
  bool disabled_ = false;
};

} // namespace tributary

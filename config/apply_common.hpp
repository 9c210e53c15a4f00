#pragma once

// Value conversion with diagnostics, shared by the netdata.conf and the
// stream.conf appliers. Internal to config/.

#include "config/load.hpp"
#include "config/raw.hpp"
#include "config/settings.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config::detail {

/// One entry being applied: converts its value into a field, reporting a bad
/// value as an error at the entry's line. Each converter leaves the field
/// untouched and returns false when the value is bad.
class entry_ctx {
public:
  entry_ctx(std::string_view section, const ini_entry& entry,
            std::vector<diagnostic>& out)
      : section_(section), entry_(entry), out_(out) {
    // nop
  }

  /// The entry.
  const ini_entry& entry() const noexcept {
    return entry_;
  }

  /// Reports an error at the entry: "[section] key: msg".
  void error(const std::string& msg);

  /// Reports a warning at the entry: "[section] key: msg".
  void warning(const std::string& msg);

  /// Reports a note at the entry: "[section] key: msg".
  void note(const std::string& msg);

  bool text(std::string& dst);
  bool boolean(bool& dst);
  bool number(int64_t& dst, int64_t min = std::numeric_limits<int64_t>::min(),
              int64_t max = std::numeric_limits<int64_t>::max());
  /// A Netdata v2 duration: a number of seconds, or numbers with units
  /// (`ms s m h d w mo y`, e.g. `1h30m`), in seconds.
  bool duration(int64_t& dst, int64_t min = 0);
  bool pattern(simple_pattern& dst);
  bool mode(memory_mode& dst);
  bool health(health_mode& dst);

private:
  std::string where() const;

  std::string_view section_;
  const ini_entry& entry_;
  std::vector<diagnostic>& out_;
};

/// Sections of one file with the same name (and role) merged, as Netdata
/// does; when a key repeats, the later value wins and the earlier entry gets
/// a note.
struct merged_section {
  std::string name;
  std::string file;
  size_t line = 0;
  section_role role = section_role::by_type;
  /// The winning entries, in input order.
  std::vector<ini_entry> entries;

  /// The entry for `key`, or nullptr.
  const ini_entry* find(std::string_view key) const;
};

std::vector<merged_section> merge_sections(const std::vector<raw_section>& in,
                                           std::vector<diagnostic>& out);

/// Adds a diagnostic.
void report(std::vector<diagnostic>& out, const std::string& file, size_t line,
            diagnostic::severity level, std::string message);

} // namespace tributary::config::detail

#pragma once

// The netdata.conf keys tributary acts on (canonical names with their
// setters) and 1.37.1's legacy names that move to them.

#include "config/apply_common.hpp"

#include <string_view>
#include <vector>

namespace tributary::config::detail {

using setter = void (*)(entry_ctx&, global_settings&);

/// A netdata.conf key tributary acts on, with what reads its value.
struct acted_key {
  std::string_view section;
  std::string_view key;
  setter set;
};

/// A legacy name 1.37.1 still moves to its new place (`config_move`).
struct legacy_key {
  std::string_view section;
  std::string_view key;
  std::string_view to_section;
  std::string_view to_key;
};

/// The key tributary acts on at `[section] key`, or nullptr.
const acted_key* find_canonical(std::string_view section, std::string_view key);

/// The legacy names in 1.37.1's `config_move` order: when two legacy names
/// move to the same place, the first one present wins; a new name always
/// wins.
const std::vector<legacy_key>& legacy_names();

/// The legacy name `[section] key`, or nullptr.
const legacy_key* find_legacy(std::string_view section, std::string_view key);

/// Every key `[section]` knows (acted on, legacy, or known and ignored):
/// the candidates of a "did you mean".
std::vector<std::string_view> closed_keys(std::string_view section);

} // namespace tributary::config::detail

#pragma once

// Tables of Netdata 1.37.1 keys that tributary does not act on but must not
// reject (netdata.conf writes hundreds of them). Internal to config/.

#include <string>
#include <string_view>
#include <vector>

namespace tributary::config::detail {

/// How strictly a netdata.conf section is checked.
enum class section_policy {
  /// tributary knows every 1.37.1 key: an unknown key is an error.
  closed,
  /// A Netdata section tributary does not use; keys are not checked.
  open,
  /// Not a 1.37.1 section name.
  unknown,
};

/// The policy for netdata.conf section `name`.
section_policy netdata_section_policy(std::string_view name);

/// True if `key` is a 1.37.1 key of netdata.conf section `section` that
/// tributary ignores.
bool is_ignored_netdata_key(std::string_view section, std::string_view key);

/// The ignored keys of a closed section (for did-you-mean).
std::vector<std::string_view> ignored_netdata_keys(std::string_view section);

/// The names of the netdata.conf sections 1.37.1 writes.
std::vector<std::string_view> netdata_section_names();

/// The closest candidate to `word` (edit distance, case-insensitive) if it
/// is close enough to be a likely typo; empty otherwise.
std::string did_you_mean(std::string_view word,
                         const std::vector<std::string_view>& candidates);

} // namespace tributary::config::detail

#pragma once

// Tables of Netdata keys (1.37.1 and newer versions) that tributary does not
// act on but must not reject (netdata.conf writes hundreds of them).
// Internal to config/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config::detail {

/// How strictly a netdata.conf section is checked.
enum class section_policy {
  /// tributary knows every key of 1.37.1 (and of newer versions it has
  /// seen): an unknown key is a warning.
  closed,
  /// A Netdata section tributary does not use; keys are not checked.
  open,
  /// Not a 1.37.1 section name.
  unknown,
};

/// The policy for netdata.conf section `name`.
section_policy netdata_section_policy(std::string_view name);

/// If `key` is a key of netdata.conf section `section` (of 1.37.1 or a newer
/// Netdata) that tributary ignores: the first version that reads it (empty
/// for 1.37.1).
std::optional<std::string_view> ignored_netdata_key(std::string_view section,
                                                    std::string_view key);

/// The same for stream.conf: `section` is "stream" or "receiver" (an API key
/// or machine GUID section).
std::optional<std::string_view> ignored_stream_key(std::string_view section,
                                                   std::string_view key);

/// The note for an ignored key first read by Netdata `since` (empty: 1.37.1).
std::string not_used_note(std::string_view since);

/// The ignored keys of a closed section (for did-you-mean).
std::vector<std::string_view> ignored_netdata_keys(std::string_view section);

/// The names of the netdata.conf sections 1.37.1 writes.
std::vector<std::string_view> netdata_section_names();

/// The closest candidate to `word` (edit distance, case-insensitive) if it
/// is close enough to be a likely typo; empty otherwise.
std::string did_you_mean(std::string_view word,
                         const std::vector<std::string_view>& candidates);

} // namespace tributary::config::detail

#pragma once

// The stream.conf keys: `[stream]` keys with their setters, and the keys of
// API key and machine GUID sections with the level(s) that read them.

#include "config/apply_common.hpp"
#include "config/resolve.hpp"

#include <string_view>
#include <vector>

namespace tributary::config::detail {

using stream_setter = void (*)(entry_ctx&, stream_settings&);

/// A `[stream]` key and what reads its value.
struct stream_key {
  std::string_view key;
  stream_setter set;
};

/// Which sections read a key: API key sections, machine GUID sections, both.
enum role_mask : unsigned { as_api = 1, as_machine = 2, as_both = 3 };

using receiver_setter = bool (*)(entry_ctx&, receiver_settings&);

struct receiver_key {
  std::string_view key;
  unsigned roles;
  receiver_field field;
  receiver_setter set;
  /// The name of the same setting at the other level, if any.
  std::string_view other_name = {};
};

/// The `[stream]` key `key`, or nullptr.
const stream_key* find_stream_key(std::string_view key);

/// The API key / machine GUID key `key`, or nullptr.
const receiver_key* find_receiver_key(std::string_view key);

/// Every API key / machine GUID key (candidates of a "did you mean").
std::vector<std::string_view> all_receiver_keys();

/// Every `[stream]` key (candidates of a "did you mean").
std::vector<std::string_view> all_stream_keys();

} // namespace tributary::config::detail

#pragma once

#include "storage/engine.hpp"

#include <deque>
#include <map>
#include <vector>

namespace tributary::storage {

/// Maps dimension keys to dense handles; shared by the engines.
class dimension_registry {
public:
  /// Returns the handle of `info.key`, registering it if new; `is_new` tells
  /// which. Stores `info` (with update_every < 1 replaced by `default_ue`).
  dimension_handle add(const dimension_info& info, int default_ue,
                       bool& is_new);

  /// Registers `info` under handle `id`, which must be below `size()`
  /// (replaces a placeholder after a metadata rebuild).
  void replace(uint32_t id, const dimension_info& info);

  /// The handle of `key`, or an invalid one.
  dimension_handle find(const dimension_key& key) const;

  /// Registration data, nullptr for an unknown handle.
  const dimension_info* info(dimension_handle h) const;

  /// All handles in registration order.
  std::vector<dimension_handle> handles() const;

  /// Number of registered dimensions.
  size_t size() const noexcept {
    return infos_.size();
  }

private:
  std::deque<dimension_info> infos_; // no room reserved for more
  std::map<dimension_key, uint32_t> index_;
};

} // namespace tributary::storage

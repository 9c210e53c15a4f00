#pragma once

#include "storage/engine.hpp"

#include <deque>
#include <set>
#include <vector>

namespace tributary::storage {

/// Maps dimension keys to dense handles; shared by the engines.
class dimension_registry {
public:
  dimension_registry() = default;
  // The index orders handles by the keys in `infos_`: it points at them.
  dimension_registry(const dimension_registry&) = delete;
  dimension_registry& operator=(const dimension_registry&) = delete;

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
  /// Orders handles by their keys (and finds a key among them) without a
  /// copy of the key: a map from keys held both strings again, some 100
  /// bytes a dimension.
  struct by_key {
    using is_transparent = void;
    const std::deque<dimension_info>* infos;
    const dimension_key& key(uint32_t id) const {
      return (*infos)[id].key;
    }
    bool operator()(uint32_t x, uint32_t y) const {
      return key(x) < key(y);
    }
    bool operator()(uint32_t x, const dimension_key& y) const {
      return key(x) < y;
    }
    bool operator()(const dimension_key& x, uint32_t y) const {
      return x < key(y);
    }
  };

  std::deque<dimension_info> infos_; // no room reserved for more
  std::set<uint32_t, by_key> index_{by_key{&infos_}};
};

} // namespace tributary::storage

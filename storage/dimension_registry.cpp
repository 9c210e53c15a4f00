#include "storage/dimension_registry.hpp"

namespace tributary::storage {

dimension_handle dimension_registry::add(const dimension_info& info,
                                         int default_ue, bool& is_new) {
  auto copy = info;
  if (copy.update_every < 1)
    copy.update_every = default_ue < 1 ? 1 : default_ue;
  auto i = index_.find(info.key);
  if (i != index_.end()) {
    is_new = false;
    infos_[*i] = std::move(copy); // the same key: the order holds
    return dimension_handle{*i};
  }
  is_new = true;
  auto id = static_cast<uint32_t>(infos_.size());
  infos_.push_back(std::move(copy));
  index_.insert(id);
  return dimension_handle{id};
}

void dimension_registry::replace(uint32_t id, const dimension_info& info) {
  auto old = index_.find(infos_[id].key);
  if (old != index_.end() && *old == id)
    index_.erase(old);
  // The key now names `id`, whichever handle it named before.
  auto taken = index_.find(info.key);
  if (taken != index_.end())
    index_.erase(taken);
  infos_[id] = info;
  index_.insert(id);
}

dimension_handle dimension_registry::find(const dimension_key& key) const {
  auto i = index_.find(key);
  if (i == index_.end())
    return dimension_handle{};
  return dimension_handle{*i};
}

const dimension_info* dimension_registry::info(dimension_handle h) const {
  if (!h.valid() || h.id >= infos_.size())
    return nullptr;
  return &infos_[h.id];
}

std::vector<dimension_handle> dimension_registry::handles() const {
  std::vector<dimension_handle> out;
  out.reserve(infos_.size());
  for (uint32_t i = 0; i < infos_.size(); ++i)
    out.push_back(dimension_handle{i});
  return out;
}

} // namespace tributary::storage

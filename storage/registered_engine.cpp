#include "storage/registered_engine.hpp"

namespace tributary::storage {

registered_engine::registered_engine(int default_update_every)
    : default_ue_(default_update_every < 1 ? 1 : default_update_every) {
  // nop
}

registered_engine::registration
registered_engine::register_dimension(const dimension_info& info) {
  registration out;
  if (auto* old = registry_.info(registry_.find(info.key)))
    out.before = *old;
  out.h = registry_.add(info, default_ue_, out.is_new);
  return out;
}

dimension_handle registered_engine::find(const dimension_key& key) const {
  return registry_.find(key);
}

const dimension_info* registered_engine::info(dimension_handle h) const {
  return registry_.info(h);
}

std::vector<dimension_handle> registered_engine::dimensions() const {
  return registry_.handles();
}

int registered_engine::update_every(dimension_handle h) const {
  auto* x = registry_.info(h);
  return x != nullptr ? x->update_every : 0;
}

} // namespace tributary::storage

#include "storage/none_engine.hpp"

namespace tributary::storage {

none_engine::none_engine(const engine_options& opts)
    : default_update_every_(opts.update_every) {
  // nop
}

memory_mode none_engine::mode() const noexcept {
  return memory_mode::none;
}

dimension_handle none_engine::add_dimension(const dimension_info& info) {
  bool is_new = false;
  return registry_.add(info, default_update_every_, is_new);
}

dimension_handle none_engine::find(const dimension_key& key) const {
  return registry_.find(key);
}

const dimension_info* none_engine::info(dimension_handle h) const {
  return registry_.info(h);
}

std::vector<dimension_handle> none_engine::dimensions() const {
  return registry_.handles();
}

bool none_engine::append(dimension_handle, const sample&) {
  return false;
}

std::vector<sample> none_engine::query(dimension_handle, int64_t,
                                       int64_t) const {
  return {};
}

int64_t none_engine::first_time_s(dimension_handle) const {
  return 0;
}

int64_t none_engine::last_time_s(dimension_handle) const {
  return 0;
}

int none_engine::update_every(dimension_handle h) const {
  auto* x = registry_.info(h);
  return x != nullptr ? x->update_every : 0;
}

error none_engine::flush() {
  return {};
}

error none_engine::close() {
  return {};
}

} // namespace tributary::storage

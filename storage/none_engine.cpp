#include "storage/none_engine.hpp"

namespace tributary::storage {

none_engine::none_engine(const engine_options& opts)
    : registered_engine(opts.update_every) {
  // nop
}

memory_mode none_engine::mode() const noexcept {
  return memory_mode::none;
}

dimension_handle none_engine::add_dimension(const dimension_info& info) {
  return register_dimension(info).h;
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

error none_engine::flush() {
  return {};
}

error none_engine::close() {
  return {};
}

} // namespace tributary::storage

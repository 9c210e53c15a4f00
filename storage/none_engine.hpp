#pragma once

#include "storage/engine.hpp"
#include "storage/registered_engine.hpp"

namespace tributary::storage {

/// `memory mode = none`: dimensions are registered (so handles and names
/// work) but every sample is dropped and every query is empty.
class none_engine final : public registered_engine {
public:
  /// Creates the engine.
  explicit none_engine(const engine_options& opts);

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  bool append(dimension_handle h, const sample& x) override;
  std::vector<sample> query(dimension_handle h, int64_t after_s,
                            int64_t before_s) const override;
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  error flush() override;
  error close() override;
};

} // namespace tributary::storage

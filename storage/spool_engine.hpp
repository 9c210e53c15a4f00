#pragma once

#include "storage/engine.hpp"
#include "storage/spool.hpp"

#include <map>
#include <memory>
#include <vector>

namespace tributary::storage {

/// A host's engine (`none`, or a `ram` ring shorter than an outage) with a
/// spool beside it: every row goes to both; queries read the spool where
/// the engine holds nothing, so replication answers cover the outage.
class spool_engine final : public engine {
public:
  spool_engine(std::unique_ptr<engine> inner, spool_options opts);

  memory_mode mode() const noexcept override;
  dimension_handle add_dimension(const dimension_info& info) override;
  dimension_handle find(const dimension_key& key) const override;
  const dimension_info* info(dimension_handle h) const override;
  std::vector<dimension_handle> dimensions() const override;
  size_t dimension_count() const noexcept override {
    return inner_->dimension_count();
  }
  bool append(dimension_handle h, const sample& x) override;
  size_t append_row(const dimension_handle* hs, const sample* xs,
                    size_t n) override;
  std::vector<sample> query(dimension_handle h, int64_t after_s,
                            int64_t before_s) const override;
  int64_t first_time_s(dimension_handle h) const override;
  int64_t last_time_s(dimension_handle h) const override;
  int update_every(dimension_handle h) const override;
  error flush() override;
  error close() override;
  void maintain() override;
  bool wants_maintenance() const override {
    return true;
  }
  storage_health health() const override;
  uint64_t memory_bytes() const override {
    return inner_->memory_bytes();
  }

  /// The spool (spooling on/off, clearing, drops).
  storage::spool& spool() noexcept {
    return spool_;
  }

private:
  struct column {
    uint32_t chart = 0;
    uint16_t col = 0;
  };

  /// Registers `h`'s chart (with every dimension of it known) in the spool.
  void define_chart(const std::string& chart_id);

  std::unique_ptr<engine> inner_;
  storage::spool spool_;
  /// Per handle id: the spool chart number and column.
  std::vector<column> columns_;
  /// Per chart id: its handles in registration order (the spool's columns).
  std::map<std::string, std::vector<dimension_handle>> chart_dims_;
  error last_error_;
  uint64_t failed_writes_ = 0;
};

} // namespace tributary::storage

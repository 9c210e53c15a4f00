#pragma once

#include "storage/dimension_registry.hpp"
#include "storage/engine.hpp"

#include <vector>

namespace tributary::storage {

/// An engine whose dimensions live in one `dimension_registry`: the lookups
/// of the interface, answered from it, and registration with the engine's
/// default update_every. The base of the none, ram, map and dbengine engines.
class registered_engine : public engine {
public:
  dimension_handle find(const dimension_key& key) const final;
  const dimension_info* info(dimension_handle h) const final;
  std::vector<dimension_handle> dimensions() const final;
  size_t dimension_count() const noexcept final {
    return registry_.size();
  }

  /// The registered update_every of `h` (0 for an unknown handle).
  int update_every(dimension_handle h) const override;

protected:
  /// `default_update_every` below 1 is read as 1.
  explicit registered_engine(int default_update_every);

  /// What `register_dimension` did.
  struct registration {
    dimension_handle h;
    /// The key was not registered before.
    bool is_new = false;
    /// The registration this call replaced (empty when `is_new`).
    dimension_info before;
  };

  /// Registers `info` (update_every below 1 becomes the default), or
  /// updates the registration of its key.
  registration register_dimension(const dimension_info& info);

  /// Seconds per slot for dimensions registered without one.
  int default_ue_;

  dimension_registry registry_;
};

} // namespace tributary::storage

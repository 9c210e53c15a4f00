#pragma once

#include "config/settings.hpp"
#include "health/definitions.hpp"

namespace tributary::health {

/// The health.d definitions `cfg` points at: `[directories] health config`
/// over `stock health config` (unless `[health] enable stock health
/// configuration = no`), with each calc/warn/crit parsed so that a broken
/// expression is reported at its line.
load_result load_health_config(const config::settings& cfg);

} // namespace tributary::health

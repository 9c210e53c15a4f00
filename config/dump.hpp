#pragma once

#include "config/settings.hpp"

#include <string>

namespace tributary::config {

/// Renders every setting of `x` as INI-like text, one `key = value` line per
/// field, API keys and machine GUIDs in name order; receiver fields the
/// section sets explicitly are marked with `(set)`. Two configurations that
/// mean the same have the same dump (positions are left out).
std::string dump(const settings& x);

/// Renders one receiver section (see `dump`).
std::string dump(const receiver_settings& x);

} // namespace tributary::config

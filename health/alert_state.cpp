#include "health/alert_state.hpp"

#include <algorithm>
#include <cmath>

namespace tributary::health {

std::string_view to_string(status x) noexcept {
  switch (x) {
  case status::removed:
    return "REMOVED";
  case status::undefined:
    return "UNDEFINED";
  case status::uninitialized:
    return "UNINITIALIZED";
  case status::clear:
    return "CLEAR";
  case status::raised:
    return "RAISED";
  case status::warning:
    return "WARNING";
  case status::critical:
    return "CRITICAL";
  }
  return "UNDEFINED";
}

namespace {

status judge(std::optional<double> v) {
  if (!v || !std::isfinite(*v))
    return status::undefined;
  return *v == 0 ? status::clear : status::raised;
}

} // namespace

status decide_status(std::optional<double> warn, std::optional<double> crit) {
  auto w = judge(warn);
  auto c = judge(crit);
  if (c == status::raised)
    return status::critical;
  if (w == status::raised)
    return status::warning;
  if (w == status::clear || c == status::clear)
    return status::clear;
  return status::undefined;
}

int64_t apply_delay(const delay_settings& cfg, delay_state& state, status from,
                    status to, int64_t now) {
  if (now > state.up_to) {
    state.current_up = cfg.up;
    state.current_down = cfg.down;
    state.up_to = 0;
  } else {
    auto grow = [&](int64_t d) {
      return std::min(
          static_cast<int64_t>(static_cast<double>(d) * cfg.multiplier),
          cfg.max);
    };
    state.current_up = grow(state.current_up);
    state.current_down = grow(state.current_down);
  }
  auto delay = static_cast<int8_t>(to) > static_cast<int8_t>(from)
                   ? state.current_up
                   : state.current_down;
  state.up_to = now + delay;
  return delay;
}

} // namespace tributary::health

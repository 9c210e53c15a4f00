#pragma once

#include "actors/actors.hpp"

#include <string>
#include <vector>

namespace tributary {

/// Runs the notification script `argv` (Netdata's alarm-notify.sh and its
/// arguments) to its end when asked, with stdin and stdout on /dev/null, off
/// the scheduler's threads: spawn it detached.
notify_runner_actor::behavior_type
notify_runner(notify_runner_actor::pointer self,
              const std::vector<std::string>& argv);

} // namespace tributary

#pragma once

// What the daemon does to its process to run as a system service: the open
// files limit, and leaving root for `[global] run as user` once its sockets
// are bound (as Netdata does).

#include "log/logger.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tributary {

/// Raises the soft RLIMIT_NOFILE to the hard limit (a parent with a
/// thousand children needs more than 1,024 descriptors) and logs the limit
/// it runs with, in Netdata's words.
void raise_open_files_limit(logger& log);

/// The account named by `[global] run as user`.
struct service_user {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// The user to switch to: nullopt when there is nothing to do (not running
/// as root, or the user is empty or root). `problem` is set and nullopt
/// returned when the user does not exist.
std::optional<service_user> find_service_user(const std::string& name,
                                              std::string& problem);

/// Hands what the daemon made as root before the switch (the log directory
/// and file) to `user`, then switches group list, group and user, and makes
/// sure root cannot be regained. Returns an empty string or what failed.
std::string drop_privileges(const service_user& user,
                            const std::vector<std::string>& made_as_root);

/// Logs, for each directory the daemon writes to, whether the current user
/// can write there (creating it if missing, as the daemon would), naming
/// the setting. Returns the number of unusable directories.
int check_writable_directories(
    const std::vector<std::pair<std::string, std::string>>& dirs,
    const std::string& user, logger& log);

} // namespace tributary

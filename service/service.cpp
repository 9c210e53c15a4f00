#include "service/service.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tributary {

void raise_open_files_limit(logger& log) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    TRIBUTARY_ERROR(log, "MAIN",
                    "getrlimit(RLIMIT_NOFILE) failed: ", std::strerror(errno));
    return;
  }
  if (lim.rlim_cur != lim.rlim_max) {
    auto want = lim;
    want.rlim_cur = lim.rlim_max;
    // "unlimited" is not a number of files: the kernel caps it at nr_open.
    if (want.rlim_cur == RLIM_INFINITY) {
      std::ifstream in{"/proc/sys/fs/nr_open"};
      unsigned long long nr_open = 0;
      if (in >> nr_open && nr_open > 0)
        want.rlim_cur = nr_open;
    }
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0)
      lim = want;
    else
      TRIBUTARY_ERROR(log, "MAIN", "cannot raise the open files limit from ",
                      lim.rlim_cur, " to ", want.rlim_cur, ": ",
                      std::strerror(errno));
  }
  TRIBUTARY_INFO(log, "MAIN",
                 "resources control: allowed file descriptors: "
                 "soft = ",
                 lim.rlim_cur, ", max = ", lim.rlim_max);
}

std::optional<service_user> find_service_user(const std::string& name,
                                              std::string& problem) {
  problem.clear();
  if (::geteuid() != 0 || name.empty() || name == "root")
    return std::nullopt;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (found == nullptr) {
    problem = "[global] run as user = " + name + ": user '" + name
              + "' is not present"
              + (rc != 0 ? std::string{" ("} + std::strerror(rc) + ")" : "")
              + "; create it (useradd --system " + name
              + ") or set `run as user` to an existing user";
    return std::nullopt;
  }
  return service_user{name, pw.pw_uid, pw.pw_gid};
}

std::string drop_privileges(const service_user& user,
                            const std::vector<std::string>& made_as_root) {
  for (auto& path : made_as_root)
    if (::chown(path.c_str(), user.uid, user.gid) != 0)
      return "cannot chown " + path + " to " + user.name + ": "
             + std::strerror(errno);
  if (::initgroups(user.name.c_str(), user.gid) != 0)
    return std::string{"initgroups() failed: "} + std::strerror(errno);
  if (::setresgid(user.gid, user.gid, user.gid) != 0)
    return "cannot switch to group id " + std::to_string(user.gid) + ": "
           + std::strerror(errno);
  if (::setresuid(user.uid, user.uid, user.uid) != 0)
    return "cannot switch to user id " + std::to_string(user.uid) + ": "
           + std::strerror(errno);
  if (user.uid != 0 && ::setuid(0) == 0)
    return "root privileges could be regained after the switch";
  return {};
}

int check_writable_directories(
    const std::vector<std::pair<std::string, std::string>>& dirs,
    const std::string& user, logger& log) {
  int bad = 0;
  for (auto& [setting, dir] : dirs) {
    if (dir.empty())
      continue;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 && ::mkdir(dir.c_str(), 0755) != 0) {
      ++bad;
      TRIBUTARY_ERROR(log, "MAIN", setting, " = ", dir,
                      ": cannot create it as user '", user,
                      "': ", std::strerror(errno));
      continue;
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      ++bad;
      TRIBUTARY_ERROR(log, "MAIN", setting, " = ", dir,
                      ": not writable by user '", user, "' (",
                      std::strerror(errno), "); chown it to ", user,
                      " or point the setting elsewhere");
    }
  }
  return bad;
}

} // namespace tributary

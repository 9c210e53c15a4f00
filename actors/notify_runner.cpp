#include "actors/notify_runner.hpp"

#include "base/child_exec.hpp"

#include <caf/all.hpp>
#include <cerrno>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tributary {

notify_runner_actor::behavior_type
notify_runner(notify_runner_actor::pointer self,
              const std::vector<std::string>& argv) {
  return {
      [=](atom::get) -> int {
        self->quit();
        auto args = exec_argv(argv);
        auto pid = ::fork();
        if (pid < 0)
          return -1;
        if (pid == 0) {
          int null = ::open("/dev/null", O_RDWR);
          if (null >= 0) {
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
          }
          exec_child(args);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      },
  };
}

} // namespace tributary

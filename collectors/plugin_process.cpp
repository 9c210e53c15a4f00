#include "collectors/plugin_process.hpp"

#include "base/child_exec.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tributary {

expected<plugin_process> start_plugin(const std::vector<std::string>& argv,
                                      const std::string& stderr_path) {
  if (argv.empty())
    return error{ec::internal, "empty plugin command"};
  int out[2];
  int in[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    return error{ec::io_error, std::string{"pipe: "} + std::strerror(errno)};
  if (::pipe2(in, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return error{ec::io_error, std::string{"pipe: "} + std::strerror(errno)};
  }
  auto args = exec_argv(argv);
  auto pid = ::fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], in[0], in[1]})
      ::close(fd);
    return error{ec::io_error, std::string{"fork: "} + std::strerror(errno)};
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0)
      ::dup2(err, STDERR_FILENO);
    exec_child(args);
  }
  ::close(out[1]);
  ::close(in[0]);
  plugin_process p;
  p.pid = pid;
  p.stdout_fd = out[0];
  p.stdin_fd = in[1];
  return p;
}

void stop_plugin(plugin_process& p) {
  if (p.stdout_fd >= 0)
    ::close(p.stdout_fd);
  if (p.stdin_fd >= 0)
    ::close(p.stdin_fd);
  p.stdout_fd = p.stdin_fd = -1;
  if (p.pid <= 0)
    return;
  ::kill(p.pid, SIGTERM);
  for (int i = 0; i < 20; ++i) {
    if (::waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
      p.pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(p.pid, SIGKILL);
  ::waitpid(p.pid, nullptr, 0);
  p.pid = -1;
}

} // namespace tributary

#include "base/child_exec.hpp"

#include <csignal>
#include <unistd.h>

namespace tributary {

std::vector<char*> exec_argv(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

void exec_child(const std::vector<char*>& args) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

} // namespace tributary

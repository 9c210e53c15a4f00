#pragma once

#include <string>
#include <vector>

namespace tributary {

/// `argv` as execv wants it: pointers into the strings of `argv` (valid
/// while it lives and is not changed), then a null pointer.
std::vector<char*> exec_argv(const std::vector<std::string>& argv);

/// For a forked child, after it set up its descriptors: clears the signal
/// mask the daemon's threads run with (the program gets SIGTERM and SIGPIPE
/// as usual) and executes `args` (from `exec_argv`); exits with 127, as a
/// shell does, when it cannot. Async-signal-safe.
[[noreturn]] void exec_child(const std::vector<char*>& args);

} // namespace tributary

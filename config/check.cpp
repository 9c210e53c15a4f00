#include "config/check.hpp"

namespace tributary::config {

namespace {

std::string counted(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

check_outcome check(const load_result& x, check_options opts) {
  check_outcome result;
  for (const auto& d : x.diagnostics) {
    if (d.level == diagnostic::note && !opts.with_notes)
      continue;
    result.report += to_string(d);
    result.report += '\n';
  }
  auto errors = x.count(diagnostic::error);
  auto warnings = x.count(diagnostic::warning);
  auto notes = x.count(diagnostic::note);
  result.report += counted(errors, "error", "errors") + ", "
                   + counted(warnings, "warning", "warnings") + ", "
                   + counted(notes, "note", "notes") + "\n";
  bool failed = errors > 0 || (opts.strict && warnings > 0);
  result.exit_code = failed ? 1 : 0;
  return result;
}

namespace {

check_outcome io_failure(const error& err) {
  return check_outcome{1, err.message + "\n"};
}

} // namespace

check_outcome check_config_dir(const std::string& dir, check_options opts) {
  auto loaded = load_config_dir(dir);
  if (!loaded)
    return io_failure(loaded.err());
  return check(*loaded, opts);
}

check_outcome check_yaml_file(const std::string& path, check_options opts) {
  auto loaded = load_yaml_file(path);
  if (!loaded)
    return io_failure(loaded.err());
  return check(*loaded, opts);
}

} // namespace tributary::config

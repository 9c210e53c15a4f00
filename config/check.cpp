#include "config/check.hpp"

namespace tributary::config {

check_outcome check(const load_result& x, bool with_notes) {
  check_outcome result;
  for (const auto& d : x.diagnostics) {
    if (d.level == diagnostic::note && !with_notes)
      continue;
    result.report += to_string(d);
    result.report += '\n';
  }
  auto errors = x.count(diagnostic::error);
  auto notes = x.count(diagnostic::note);
  result.report += std::to_string(errors) + (errors == 1 ? " error, " : " errors, ")
                   + std::to_string(notes) + (notes == 1 ? " note\n" : " notes\n");
  result.exit_code = errors == 0 ? 0 : 1;
  return result;
}

namespace {

check_outcome io_failure(const error& err) {
  return check_outcome{1, err.message + "\n"};
}

} // namespace

check_outcome check_config_dir(const std::string& dir, bool with_notes) {
  auto loaded = load_config_dir(dir);
  if (!loaded)
    return io_failure(loaded.err());
  return check(*loaded, with_notes);
}

check_outcome check_yaml_file(const std::string& path, bool with_notes) {
  auto loaded = load_yaml_file(path);
  if (!loaded)
    return io_failure(loaded.err());
  return check(*loaded, with_notes);
}

} // namespace tributary::config

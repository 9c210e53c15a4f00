#include "config/ini.hpp"

#include "config/text.hpp"

namespace tributary::config {

ini_file parse_ini_lenient(std::string_view text, std::string file_name,
                           std::vector<ini_problem>& problems) {
  ini_file result;
  result.file_name = std::move(file_name);
  ini_section* current = nullptr;
  // After a broken header, its keys are skipped without further complaints.
  bool skipping = false;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto eol = text.find('\n');
    auto raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    auto line = trim(raw);
    if (line.empty() || line.front() == '#')
      continue;
    if (line.front() == '[') {
      if (line.size() < 2 || line.back() != ']') {
        problems.push_back({line_no, "unterminated section header `"
                                         + std::string{line}
                                         + "` (missing `]`)"});
        // Netdata would keep adding the following keys to the previous
        // section; we drop them instead of guessing.
        current = nullptr;
        skipping = true;
        continue;
      }
      auto name = line.substr(1, line.size() - 2);
      if (name.empty()) {
        problems.push_back({line_no, "empty section name `[]`"});
        current = nullptr;
        skipping = true;
        continue;
      }
      result.sections.push_back(
          ini_section{std::string{name}, result.file_name, line_no, {}});
      current = &result.sections.back();
      skipping = false;
      continue;
    }
    if (skipping)
      continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      problems.push_back(
          {line_no, "expected `key = value` or `[section]`, got `"
                        + std::string{line} + "`"});
      continue;
    }
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (key.empty()) {
      problems.push_back({line_no, "empty key before `=`"});
      continue;
    }
    if (current == nullptr) {
      problems.push_back(
          {line_no, "`" + std::string{key} + "` is outside of any [section]"});
      continue;
    }
    current->entries.push_back(ini_entry{std::string{key}, std::string{value},
                                         result.file_name, line_no});
  }
  return result;
}

expected<ini_file> parse_ini(std::string_view text,
                             const std::string& file_name) {
  std::vector<ini_problem> problems;
  auto result = parse_ini_lenient(text, file_name, problems);
  if (!problems.empty()) {
    const auto& p = problems.front();
    return error{ec::config_syntax,
                 file_name + ":" + std::to_string(p.line) + ": " + p.message,
                 p.line};
  }
  return result;
}

} // namespace tributary::config

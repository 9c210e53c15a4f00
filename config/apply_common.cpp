#include "config/apply_common.hpp"

#include <utility>

namespace tributary::config::detail {

void report(std::vector<diagnostic>& out, const std::string& file, size_t line,
            diagnostic::severity level, std::string message) {
  out.push_back(diagnostic{file, line, level, std::move(message)});
}

std::string entry_ctx::where() const {
  return "[" + std::string{section_} + "] " + entry_.key + ": ";
}

void entry_ctx::error(const std::string& msg) {
  report(out_, entry_.file, entry_.line, diagnostic::error, where() + msg);
}

void entry_ctx::warning(const std::string& msg) {
  report(out_, entry_.file, entry_.line, diagnostic::warning, where() + msg);
}

void entry_ctx::note(const std::string& msg) {
  report(out_, entry_.file, entry_.line, diagnostic::note, where() + msg);
}

bool entry_ctx::text(std::string& dst) {
  dst = entry_.value;
  return true;
}

bool entry_ctx::boolean(bool& dst) {
  auto v = parse_bool(entry_.value);
  if (!v) {
    error("`" + entry_.value
          + "` is not a boolean (yes, no, true, false, on, off, auto); "
            "Netdata would read it as no");
    return false;
  }
  dst = *v;
  return true;
}

bool entry_ctx::number(int64_t& dst, int64_t min, int64_t max) {
  auto v = parse_number(entry_.value);
  if (!v) {
    error("`" + entry_.value + "` is not a number");
    return false;
  }
  if (*v < min || *v > max) {
    std::string range = max == std::numeric_limits<int64_t>::max()
                            ? "at least " + std::to_string(min)
                            : "between " + std::to_string(min) + " and "
                                  + std::to_string(max);
    error("`" + entry_.value + "` is out of range (must be " + range + ")");
    return false;
  }
  const auto& s = entry_.value;
  size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (s.size() > i + 1 && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
    note("`" + s + "` has a leading zero: Netdata reads it as octal ("
         + std::to_string(*v) + ")");
  dst = *v;
  return true;
}

bool entry_ctx::duration(int64_t& dst, int64_t min) {
  if (auto plain = parse_number(entry_.value)) {
    if (*plain < min) {
      error("`" + entry_.value + "` is out of range (must be at least "
            + std::to_string(min) + ")");
      return false;
    }
    dst = *plain;
    return true;
  }
  // Netdata's duration_parse(): components like 1d2h30m, units of seconds.
  struct unit {
    std::string_view name;
    double seconds;
  };
  static constexpr unit units[] = {
      {"ms", 0.001},      {"mo", 30 * 86400.0}, {"s", 1},
      {"m", 60},          {"h", 3600},          {"d", 86400},
      {"w", 7 * 86400.0}, {"y", 365 * 86400.0},
  };
  std::string_view v = entry_.value;
  double total = 0;
  bool any = false;
  while (!v.empty()) {
    size_t n = 0;
    while (n < v.size() && ((v[n] >= '0' && v[n] <= '9') || v[n] == '.'))
      ++n;
    size_t u = n;
    while (u < v.size() && v[u] >= 'a' && v[u] <= 'z')
      ++u;
    const unit* found = nullptr;
    for (const auto& x : units)
      if (x.name == v.substr(n, u - n))
        found = &x;
    auto digits = v.substr(0, n);
    if (n == 0 || found == nullptr || n > 15 || digits == "."
        || digits.find('.') != digits.rfind('.')) {
      error("`" + entry_.value
            + "` is not a duration (seconds, or e.g. 90s, 5m, 1h30m, 2d)");
      return false;
    }
    total += std::stod(std::string{v.substr(0, n)}) * found->seconds;
    any = true;
    v.remove_prefix(u);
  }
  if (!any || total < static_cast<double>(min) || total > 1e15) {
    error("`" + entry_.value + "` is not a duration of at least "
          + std::to_string(min) + " s");
    return false;
  }
  dst = static_cast<int64_t>(total);
  return true;
}

bool entry_ctx::pattern(simple_pattern& dst) {
  auto p = simple_pattern::compile(entry_.value);
  if (!p) {
    error(p.err().message);
    return false;
  }
  dst = std::move(*p);
  return true;
}

bool entry_ctx::mode(memory_mode& dst) {
  auto m = parse_memory_mode(entry_.value);
  if (!m) {
    error("`" + entry_.value
          + "` is not a memory mode (dbengine, ram, save, map, none, alloc); "
            "Netdata would use save");
    return false;
  }
  dst = *m;
  return true;
}

bool entry_ctx::health(health_mode& dst) {
  auto m = parse_health_mode(entry_.value);
  if (!m) {
    error("`" + entry_.value + "` is not yes, no or auto");
    return false;
  }
  dst = *m;
  return true;
}

const ini_entry* merged_section::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key)
      return &e;
  return nullptr;
}

std::vector<merged_section> merge_sections(const std::vector<raw_section>& in,
                                           std::vector<diagnostic>& out) {
  std::vector<merged_section> result;
  std::map<std::pair<std::string, section_role>, size_t> index;
  // Per merged section: key -> position in its entries.
  std::map<size_t, std::map<std::string, size_t>> key_index;
  for (const auto& s : in) {
    auto [it, added]
        = index.emplace(std::make_pair(s.name, s.role), result.size());
    if (added)
      result.push_back(merged_section{s.name, s.file, s.line, s.role, {}});
    auto& m = result[it->second];
    auto& keys = key_index[it->second];
    for (const auto& e : s.entries) {
      auto [pos, fresh] = keys.emplace(e.key, m.entries.size());
      if (fresh) {
        m.entries.push_back(e);
        continue;
      }
      auto& old = m.entries[pos->second];
      report(out, old.file, old.line, diagnostic::note,
             "[" + s.name + "] " + e.key + ": set again at line "
                 + std::to_string(e.line) + ", which wins");
      old = e;
    }
  }
  return result;
}

} // namespace tributary::config::detail

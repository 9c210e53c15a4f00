// health.d files: lines, entities and keywords (docs/health.md "health.d
// files", "Keywords", "Parser quirks kept").

#include "health/definitions.hpp"

#include "config/text.hpp"
#include "health/definition_text.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

namespace tributary::health {

namespace {

using config::is_space;
using config::trim;
using namespace definition_text;

/// The keys whose repetition in one entity Netdata warns about.
bool is_warned_string_key(const std::string& key) {
  static const std::set<std::string> keys = {
      "on", "class", "type", "component",   "exec",
      "to", "units", "info", "host labels",
  };
  return keys.count(key) > 0;
}

class parser {
public:
  parser(load_result& out, const std::string& file, const load_options& opts)
      : out_(out), file_(file), opts_(opts) {
    // nop
  }

  void run(std::string_view text) {
    for (auto& l : read_lines(text, file_, out_.diagnostics))
      handle(l.line, l.text);
    finish();
  }

private:
  void error(size_t line, std::string msg) {
    out_.diagnostics.push_back(
        {file_, line, diagnostic::error, std::move(msg)});
  }

  void note(size_t line, std::string msg) {
    out_.diagnostics.push_back({file_, line, diagnostic::note, std::move(msg)});
  }

  std::string entity_label() const {
    return std::string{cur_->is_template ? "template " : "alarm "}
           + ticked(cur_->name);
  }

  void handle(size_t line, std::string_view text) {
    text = trim(text);
    if (text.empty() || text.front() == '#')
      return;
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
      error(line, "no `:` in line; ignored");
      return;
    }
    auto key = to_lower(collapse(text.substr(0, colon)));
    auto value = collapse(text.substr(colon + 1));
    if (key.empty()) {
      error(line, "empty key; line ignored");
      return;
    }
    if (value.empty()) {
      error(line, "empty value for " + ticked(key) + "; line ignored");
      return;
    }
    if (key == "alarm" || key == "template") {
      finish();
      start(line, key == "template", value);
      return;
    }
    if (!cur_) {
      if (key == "os" || key == "hosts")
        note(line,
             ticked(key) + " before the first alarm/template has no effect");
      else
        error(line, ticked(key) + " outside of an alarm or template; ignored");
      return;
    }
    if (is_warned_string_key(key) && !seen_.insert(key).second)
      note(line, ticked(key) + " repeated in " + entity_label()
                     + "; the later value wins");
    keyword(line, key, value);
  }

  void start(size_t line, bool is_template, const std::string& name) {
    cur_.emplace();
    seen_.clear();
    auto& d = *cur_;
    d.is_template = is_template;
    d.name = sanitize_name(name);
    d.exec = opts_.default_exec;
    d.repeat.warning = opts_.default_repeat_warning;
    d.repeat.critical = opts_.default_repeat_critical;
    d.file = file_;
    d.line = line;
  }

  std::optional<simple_pattern> pattern(size_t line, std::string_view key,
                                        std::string_view value) {
    auto p = simple_pattern::compile(value);
    if (p)
      return std::move(*p);
    error(line, ticked(key) + ": " + p.err().message + "; it matches nothing");
    return simple_pattern{};
  }

  void expression(size_t line, std::string_view key, const std::string& value,
                  std::string& target, size_t& target_line) {
    if (opts_.check_expression) {
      auto problem = opts_.check_expression(value);
      if (!problem.empty()) {
        error(line, "cannot parse " + ticked(key) + " expression "
                        + ticked(value) + ": " + problem + "; left absent");
        target.clear();
        target_line = 0;
        return;
      }
    }
    target = value;
    target_line = line;
  }

  void report(size_t line, const std::vector<std::string>& errors) {
    for (const auto& e : errors)
      error(line, e);
  }

  void keyword(size_t line, const std::string& key, const std::string& value) {
    auto& d = *cur_;
    std::vector<std::string> errors;
    if (key == "on") {
      d.on = value;
    } else if (key == "os") {
      d.os.push_back(*pattern(line, key, value));
    } else if (key == "hosts") {
      d.hosts.push_back(*pattern(line, key, value));
    } else if (key == "plugin") {
      d.plugin = pattern(line, key, value);
    } else if (key == "module") {
      d.module = pattern(line, key, value);
    } else if (key == "charts" || key == "families") {
      if (!d.is_template) {
        error(line, ticked(key)
                        + " is not a key of an alarm (only of "
                          "templates); ignored");
        return;
      }
      (key == "charts" ? d.charts : d.families) = pattern(line, key, value);
    } else if (key == "host labels") {
      d.host_labels = pattern(line, key, squeeze_equals(value));
    } else if (key == "lookup") {
      auto x = parse_lookup(value);
      report(line, x.errors);
      if (x.lookup) {
        d.lookup = std::move(x.lookup);
        d.every = x.every;
      }
    } else if (key == "calc") {
      expression(line, key, value, d.calc, d.calc_line);
    } else if (key == "warn") {
      expression(line, key, value, d.warn, d.warn_line);
    } else if (key == "crit") {
      expression(line, key, value, d.crit, d.crit_line);
    } else if (key == "every") {
      if (auto x = parse_duration(value)) {
        d.every = *x;
      } else {
        d.every = 0;
        error(line, "invalid duration " + ticked(value)
                        + " for `every`; "
                          "using 0");
      }
    } else if (key == "green" || key == "red") {
      auto [x, used] = parse_threshold(value);
      if (used == 0)
        error(line, "invalid number " + ticked(value) + " for " + ticked(key));
      else if (used < value.size())
        error(line, "trailing text " + ticked(value.substr(used)) + " after "
                        + ticked(key) + " value; using "
                        + ticked(value.substr(0, used)));
      (key == "green" ? d.green : d.red) = x;
    } else if (key == "to") {
      d.to = value;
    } else if (key == "exec") {
      d.exec = value;
    } else if (key == "delay") {
      d.delay = parse_delay(value, errors);
      report(line, errors);
    } else if (key == "repeat") {
      d.repeat = parse_repeat(value, d.repeat, errors);
      report(line, errors);
    } else if (key == "options") {
      std::string_view rest = value;
      while (!rest.empty()) {
        auto sp = rest.find(' ');
        auto word = rest.substr(0, sp);
        rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
        if (word == "no-clear-notification" || word == "no-clear")
          d.no_clear_notification = true;
        else
          error(line, "unknown option " + ticked(word) + " ignored");
      }
    } else if (key == "info") {
      d.info = unquote(value);
    } else if (key == "units") {
      d.units = unquote(value);
    } else if (key == "class") {
      d.classification = unquote(value);
    } else if (key == "type") {
      d.type = unquote(value);
    } else if (key == "component") {
      d.component = unquote(value);
    } else {
      error(line, "unknown key " + ticked(key) + " ignored");
    }
  }

  /// Netdata's registration checks that do not depend on the host.
  void finish() {
    if (!cur_)
      return;
    auto& d = *cur_;
    std::string problem;
    if (d.on.empty())
      problem = "has no `on` line";
    else if (d.every == 0)
      problem = "has no frequency (`every` or a lookup window)";
    else if (!d.has_lookup() && d.calc.empty() && d.warn.empty()
             && d.crit.empty())
      problem = "is useless: no lookup, calc, warn or crit";
    if (problem.empty())
      out_.definitions.push_back(std::move(d));
    else
      error(d.line, entity_label() + " " + problem + "; not loaded");
    cur_.reset();
  }

  load_result& out_;
  const std::string& file_;
  const load_options& opts_;
  std::optional<alert_definition> cur_;
  std::set<std::string> seen_;
};

} // namespace

// -- alert_definition
// ----------------------------------------------------------

std::string alert_definition::source() const {
  return std::to_string(line) + "@" + file;
}

std::string alert_definition::key() const {
  if (!is_template)
    return on + "/" + name;
  return name + "/" + (families ? families->source() : std::string{"*"});
}

// -- load_result
// ---------------------------------------------------------------

bool load_result::ok() const {
  return count(diagnostic::error) == 0;
}

size_t load_result::count(diagnostic::severity x) const {
  return static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [x](const diagnostic& d) { return d.level == x; }));
}

// -- loading
// -------------------------------------------------------------------

void parse_health_text(load_result& result, std::string_view text,
                       const std::string& file_name, const load_options& opts) {
  parser{result, file_name, opts}.run(text);
}

load_result parse_health_text(std::string_view text,
                              const std::string& file_name,
                              const load_options& opts) {
  load_result result;
  parse_health_text(result, text, file_name, opts);
  return result;
}

} // namespace tributary::health

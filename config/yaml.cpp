#include "config/known_keys.hpp"
#include "config/load.hpp"
#include "config/raw.hpp"

#include <yaml-cpp/yaml.h>

namespace tributary::config {

namespace {

using detail::raw_config;
using detail::raw_section;
using detail::section_role;

/// yaml-cpp marks are 0-based; a node without a mark (pos -1) maps to 0.
size_t line_of(const YAML::Node& x) {
  auto m = x.Mark();
  return m.line < 0 ? 0 : static_cast<size_t>(m.line) + 1;
}

class yaml_reader {
public:
  yaml_reader(std::string file, raw_config& out)
      : file_(std::move(file)), out_(out) {
    // nop
  }

  void read(const YAML::Node& root) {
    if (!root || root.IsNull())
      return;
    if (!root.IsMap()) {
      fail(root, "the top level must be a map (netdata, stream, api_keys, "
                 "machine_guids)");
      return;
    }
    for (const auto& kv : root) {
      std::string key;
      if (!scalar(kv.first, key))
        continue;
      const YAML::Node& v = kv.second;
      if (key == "netdata") {
        read_sections(v, out_.netdata, section_role::by_type, "netdata");
      } else if (key == "stream") {
        raw_section s{
            "stream", file_, line_of(kv.first), section_role::by_type, {}};
        read_entries(v, s);
        out_.stream.push_back(std::move(s));
      } else if (key == "api_keys") {
        read_sections(v, out_.stream, section_role::api, "api_keys");
      } else if (key == "machine_guids") {
        read_sections(v, out_.stream, section_role::machine, "machine_guids");
      } else {
        auto hint = detail::did_you_mean(
            key, {"netdata", "stream", "api_keys", "machine_guids"});
        fail(kv.first, "unknown top-level key `" + key + "`"
                           + (hint.empty() ? std::string{}
                                           : "; did you mean `" + hint + "`?"));
      }
    }
  }

private:
  void fail(const YAML::Node& at, std::string msg) {
    out_.diagnostics.push_back(
        diagnostic{file_, line_of(at), diagnostic::error, std::move(msg)});
  }

  bool scalar(const YAML::Node& x, std::string& dst) {
    if (!x.IsScalar()) {
      fail(x, "expected a plain key");
      return false;
    }
    dst = x.Scalar();
    return true;
  }

  // name: {key: value, ...} maps below `what`.
  void read_sections(const YAML::Node& x, std::vector<raw_section>& dst,
                     section_role role, const char* what) {
    if (x.IsNull())
      return;
    if (!x.IsMap()) {
      fail(x, std::string{"`"} + what + "` must be a map of sections");
      return;
    }
    for (const auto& kv : x) {
      std::string name;
      if (!scalar(kv.first, name))
        continue;
      raw_section s{name, file_, line_of(kv.first), role, {}};
      read_entries(kv.second, s);
      dst.push_back(std::move(s));
    }
  }

  // key: value entries of one section. A value is a scalar, empty, or a list
  // of scalars (joined with spaces: patterns, destinations).
  void read_entries(const YAML::Node& x, raw_section& s) {
    if (x.IsNull())
      return;
    if (!x.IsMap()) {
      fail(x, "[" + s.name + "] must be a map of `key: value`");
      return;
    }
    for (const auto& kv : x) {
      std::string key;
      if (!scalar(kv.first, key))
        continue;
      const YAML::Node& v = kv.second;
      std::string value;
      if (v.IsScalar()) {
        value = v.Scalar();
      } else if (v.IsSequence()) {
        bool good = true;
        for (const auto& item : v) {
          if (!item.IsScalar()) {
            fail(item, "[" + s.name + "] " + key
                           + ": a list may only hold plain values");
            good = false;
            break;
          }
          if (!value.empty())
            value += ' ';
          value += item.Scalar();
        }
        if (!good)
          continue;
      } else if (!v.IsNull()) {
        fail(v, "[" + s.name + "] " + key + ": expected a value, got a map");
        continue;
      }
      s.entries.push_back(ini_entry{key, value, file_, line_of(kv.first)});
    }
  }

  std::string file_;
  raw_config& out_;
};

} // namespace

load_result load_yaml_text(std::string_view text,
                           const std::string& file_name) {
  raw_config raw;
  // yaml-cpp reports through exceptions; none may leave this layer.
  try {
    auto root = YAML::Load(std::string{text});
    yaml_reader{file_name, raw}.read(root);
  } catch (const YAML::Exception& e) {
    raw = raw_config{};
    auto line = e.mark.line < 0 ? 0 : static_cast<size_t>(e.mark.line) + 1;
    raw.diagnostics.push_back(
        diagnostic{file_name, line, diagnostic::error, "YAML: " + e.msg});
  } catch (const std::exception& e) {
    raw = raw_config{};
    raw.diagnostics.push_back(diagnostic{file_name, 0, diagnostic::error,
                                         std::string{"YAML: "} + e.what()});
  }
  return detail::build_settings(raw);
}

} // namespace tributary::config

// Feeds arbitrary bytes as a child's CHART id/title, DIMENSION id/name,
// LABEL key/value and hostname through the API writers (api/): the JSON must
// parse (nlohmann::json validates UTF-8 too) and give back the text as
// fix_utf8 made it; every Prometheus line must be valid exposition text.

#include "api/json_writer.hpp"
#include "api/prometheus_text.hpp"
#include "api/text_fix.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace tributary;

void check(bool ok) {
  if (!ok)
    __builtin_trap();
}

/// One exposition line: name{label="value",...} value timestamp\n. Returns
/// the unescaped label values.
std::vector<std::string> parse_prometheus_line(std::string_view line) {
  std::vector<std::string> values;
  size_t i = 0;
  auto name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || c == ':' || (!first && c >= '0' && c <= '9');
  };
  check(i < line.size() && name_char(line[i], true));
  while (i < line.size() && name_char(line[i], false))
    ++i;
  check(i < line.size() && line[i] == '{');
  ++i;
  while (true) {
    check(i < line.size() && name_char(line[i], true));
    while (i < line.size() && name_char(line[i], false))
      ++i;
    check(line.substr(i, 2) == "=\"");
    i += 2;
    std::string v;
    while (true) {
      check(i < line.size());
      char c = line[i++];
      check(c != '\n');
      if (c == '"')
        break;
      if (c == '\\') {
        check(i < line.size());
        char e = line[i++];
        check(e == '\\' || e == '"' || e == 'n');
        v += e == 'n' ? '\n' : e;
        continue;
      }
      v += c;
    }
    check(api::is_valid_utf8(v));
    values.push_back(std::move(v));
    check(i < line.size());
    if (line[i] == '}')
      break;
    check(line[i] == ',');
    ++i;
  }
  ++i;
  check(line.substr(i, 1) == " ");
  auto rest = line.substr(i + 1);
  check(!rest.empty() && rest.back() == '\n');
  auto sp = rest.find(' ');
  check(sp != std::string_view::npos && sp > 0);
  check(rest.find_first_not_of("0123456789-.", 0) == sp);
  check(rest.find_first_not_of("0123456789", sp + 1) == rest.size() - 1);
  return values;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Fields separated by 0xFF (a byte no UTF-8 text holds).
  std::vector<std::string> f;
  std::string_view in{reinterpret_cast<const char*>(data), size};
  size_t start = 0;
  for (size_t i = 0; i <= in.size(); ++i)
    if (i == in.size() || static_cast<unsigned char>(in[i]) == 0xFF) {
      f.emplace_back(in.substr(start, i - start));
      start = i + 1;
    }
  f.resize(std::max<size_t>(f.size(), 7));
  const auto& chart_id = f[0];
  const auto& title = f[1];
  const auto& dim_id = f[2];
  const auto& dim_name = f[3];
  const auto& label_key = f[4];
  const auto& label_value = f[5];
  const auto& hostname = f[6];
  double number = 0;
  if (size >= sizeof(number))
    std::memcpy(&number, data, sizeof(number));

  // The shape of /api/v1/charts, and every field again in an array (keys
  // may collide, array elements cannot).
  for (bool pretty : {true, false}) {
    std::string out;
    api::json_writer w{out, pretty};
    w.begin_object();
    w.member("hostname", hostname);
    w.key("charts").begin_object();
    w.key(chart_id).begin_object();
    w.member("id", chart_id);
    w.member("title", title + " (" + chart_id + ")");
    w.member("value", number);
    w.key("dimensions").begin_object();
    w.key(dim_id).begin_object().member("name", dim_name).end_object();
    w.end_object();
    w.key("chart_labels").begin_object();
    w.member(label_key, label_value);
    w.end_object();
    w.end_object();
    w.end_object();
    w.key("all").begin_array();
    for (auto& x : f)
      w.value(x);
    w.end_array();
    w.end_object();
    check(w.depth() == 0);
    auto doc = nlohmann::json::parse(out, nullptr, false);
    check(!doc.is_discarded());
    auto& all = doc["all"];
    check(all.size() == f.size());
    for (size_t i = 0; i < f.size(); ++i)
      check(all[i].get<std::string>() == api::fix_utf8(f[i]));
    auto& v = doc["charts"][api::fix_utf8(chart_id)]["value"];
    if (std::isfinite(number))
      check(v.is_number() && v.get<double>() == number);
    else
      check(v.is_null());
  }

  // /api/v1/allmetrics?format=prometheus lines.
  std::string line = "netdata_" + api::prometheus_name(title) + "_average";
  line += "{chart=\"";
  api::append_prometheus_label_value(line, chart_id);
  line += "\",family=\"";
  api::append_prometheus_label_value(line, label_value);
  line += "\",dimension=\"";
  api::append_prometheus_label_value(line, dim_name);
  line += "\"} 1.0000000 1700000000000\n";
  auto values = parse_prometheus_line(line);
  check(values.size() == 3);
  check(values[0] == api::fix_utf8(chart_id));
  check(values[1] == api::fix_utf8(label_value));
  check(values[2] == api::fix_utf8(dim_name));
  return 0;
}

#pragma once

// A streaming JSON writer for the API's answers: appends to a string as it
// goes (no document tree), so a /api/v1/charts of 100,000 charts costs one
// pass. Indented with tabs as Netdata's answers are. Every string goes
// through append_json_string, so the output is valid JSON whatever bytes a
// child sent.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::api {

class json_writer {
public:
  /// Appends to `out`; `pretty` indents with one tab per level.
  explicit json_writer(std::string& out, bool pretty = true)
      : out_(out), pretty_(pretty) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();

  /// The key of the next member (inside an object).
  json_writer& key(std::string_view k);

  json_writer& value(std::string_view s);
  json_writer& value(const char* s) {
    return value(std::string_view{s});
  }
  json_writer& value(const std::string& s) {
    return value(std::string_view{s});
  }
  json_writer& value(int64_t x);
  json_writer& value(int x) {
    return value(static_cast<int64_t>(x));
  }
  json_writer& value(uint64_t x);
  /// NaN and infinities are written as null (JSON has no such numbers).
  json_writer& value(double x);
  json_writer& value(bool x);
  json_writer& null();
  /// An already rendered JSON value, written as is.
  json_writer& raw(std::string_view json);

  /// key(k).value(v)
  template <class T>
  json_writer& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  /// Open containers (0 once the document is complete).
  size_t depth() const {
    return stack_.size();
  }

private:
  void before_value();
  json_writer& close(char bracket);
  void newline_indent(size_t level);

  std::string& out_;
  bool pretty_;
  /// Per open container: how many members or elements it has so far.
  std::vector<size_t> stack_;
  bool after_key_ = false;
};

/// A double as the API prints it: the shortest text that reads back as the
/// same double, with ".0" on whole numbers (as nlohmann::json printed them).
void append_json_number(std::string& out, double x);

} // namespace tributary::api

#include "api/json_writer.hpp"

#include "api/text_fix.hpp"

#include <charconv>
#include <cmath>

namespace tributary::api {

void json_writer::newline_indent(size_t level) {
  if (!pretty_)
    return;
  out_ += '\n';
  out_.append(level, '\t');
}

void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty())
    return;
  if (stack_.back()++ > 0)
    out_ += ',';
  newline_indent(stack_.size());
}

json_writer& json_writer::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back(0);
  return *this;
}

json_writer& json_writer::close(char bracket) {
  auto n = stack_.back();
  stack_.pop_back();
  if (n > 0)
    newline_indent(stack_.size());
  out_ += bracket;
  return *this;
}

json_writer& json_writer::end_object() {
  return close('}');
}

json_writer& json_writer::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back(0);
  return *this;
}

json_writer& json_writer::end_array() {
  return close(']');
}

json_writer& json_writer::key(std::string_view k) {
  before_value();
  append_json_string(out_, k);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view s) {
  before_value();
  append_json_string(out_, s);
  return *this;
}

json_writer& json_writer::value(int64_t x) {
  before_value();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out_.append(buf, res.ptr);
  return *this;
}

json_writer& json_writer::value(uint64_t x) {
  before_value();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out_.append(buf, res.ptr);
  return *this;
}

json_writer& json_writer::value(double x) {
  before_value();
  append_json_number(out_, x);
  return *this;
}

json_writer& json_writer::value(bool x) {
  before_value();
  out_ += x ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

void append_json_number(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  char buf[40];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  std::string_view text{buf, static_cast<size_t>(res.ptr - buf)};
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos)
    out += ".0";
}

} // namespace tributary::api

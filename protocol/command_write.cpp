// Typed commands -> the exact bytes a v1.37.1 agent prints (docs/protocol.md
// "Commands").

#include "protocol/commands.hpp"

#include <charconv>
#include <type_traits>

namespace tributary::protocol {

namespace {

// Appends pieces of a line without printf; numbers via to_chars.
struct line_writer {
  std::string& out;

  line_writer& raw(std::string_view s) {
    out.append(s.data(), s.size());
    return *this;
  }

  line_writer& quoted(std::string_view s) {
    out += " \"";
    out.append(s.data(), s.size());
    out += '"';
    return *this;
  }

  template <class T>
  line_writer& num(T x) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), x);
    out += ' ';
    out.append(buf, res.ptr);
    return *this;
  }

  line_writer& dec(const decimal& x) {
    out += ' ';
    if (!x.text.empty()) {
      out += x.text;
      return *this;
    }
    // Same digits as printf("%0.7f"), including "nan" and "-0.0000000".
    char buf[400];
    auto res = std::to_chars(buf, buf + sizeof(buf), x.value,
                             std::chars_format::fixed, 7);
    out.append(buf, res.ptr);
    return *this;
  }

  void nl() {
    out += '\n';
  }
};

const char* scope_word(variable_scope x) {
  switch (x) {
  case variable_scope::host:
    return "HOST";
  case variable_scope::global:
    return "GLOBAL";
  case variable_scope::chart:
    return "CHART";
  case variable_scope::local:
    return "LOCAL";
  case variable_scope::none:
    break;
  }
  return nullptr;
}

struct writer_visitor {
  std::string& out;

  line_writer w() {
    return line_writer{out};
  }

  void operator()(const chart& x) {
    w().raw("CHART")
        .quoted(x.id)
        .quoted(x.name)
        .quoted(x.title)
        .quoted(x.units)
        .quoted(x.family)
        .quoted(x.context)
        .quoted(x.chart_type)
        .num(x.priority)
        .num(x.update_every)
        .quoted(x.options)
        .quoted(x.plugin)
        .quoted(x.module)
        .nl();
  }

  void operator()(const clabel& x) {
    w().raw("CLABEL").quoted(x.name).quoted(x.value).num(x.source).nl();
  }

  void operator()(const clabel_commit&) {
    w().raw("CLABEL_COMMIT").nl();
  }

  void operator()(const dimension& x) {
    w().raw("DIMENSION")
        .quoted(x.id)
        .quoted(x.name)
        .quoted(x.algorithm)
        .num(x.multiplier)
        .num(x.divisor)
        .quoted(x.options)
        .nl();
  }

  void operator()(const function_def& x) {
    auto l = w().raw("FUNCTION");
    if (x.global)
      l.raw(" GLOBAL");
    l.quoted(x.name).num(x.timeout).quoted(x.help).nl();
  }

  void operator()(const variable& x) {
    auto l = w().raw("VARIABLE");
    if (auto s = scope_word(x.scope))
      l.raw(" ").raw(s);
    l.raw(" ").raw(x.name);
    if (x.value)
      l.raw(" =").dec(*x.value);
    l.nl();
  }

  void operator()(const chart_definition_end& x) {
    w().raw("CHART_DEFINITION_END")
        .num(x.first_entry)
        .num(x.last_entry)
        .num(x.child_now)
        .nl();
  }

  void operator()(const begin& x) {
    auto l = w().raw("BEGIN").quoted(x.chart_id);
    if (x.microseconds)
      l.num(*x.microseconds);
    l.nl();
  }

  void operator()(const set& x) {
    auto l = w().raw("SET").quoted(x.dimension_id).raw(" =");
    if (x.value)
      l.num(*x.value);
    else
      l.raw(" \"\"");
    l.nl();
  }

  void operator()(const end&) {
    w().raw("END").nl();
  }

  void operator()(const label& x) {
    w().raw("LABEL")
        .quoted(x.name)
        .raw(" =")
        .num(x.source)
        .quoted(x.value)
        .nl();
  }

  void operator()(const overwrite& x) {
    auto l = w().raw("OVERWRITE");
    if (!x.argument.empty())
      l.raw(" ").raw(x.argument);
    l.nl();
  }

  void operator()(const claimed_id& x) {
    w().raw("CLAIMED_ID ")
        .raw(x.machine_guid)
        .raw(" ")
        .raw(x.claim_id.empty() ? std::string_view{"NULL"}
                                : std::string_view{x.claim_id})
        .nl();
  }

  void operator()(const replay_chart& x) {
    w().raw("REPLAY_CHART")
        .quoted(x.chart_id)
        .quoted(x.start_streaming ? "true" : "false")
        .num(x.after)
        .num(x.before)
        .nl();
  }

  void operator()(const rbegin& x) {
    auto l = w().raw("RBEGIN");
    // The timed form names no chart and uses single quotes.
    if (x.chart_id.empty())
      l.raw(" ''");
    else
      l.quoted(x.chart_id);
    if (x.has_times) {
      l.num(x.point_start).num(x.point_end);
      if (x.child_now)
        l.num(*x.child_now);
    }
    l.nl();
  }

  void operator()(const rset& x) {
    w().raw("RSET").quoted(x.dimension_id).dec(x.value).quoted(x.flags).nl();
  }

  void operator()(const rdstate& x) {
    w().raw("RDSTATE")
        .quoted(x.dimension_id)
        .num(x.last_collected_ut)
        .num(x.last_collected_value)
        .dec(x.last_calculated_value)
        .dec(x.last_stored_value)
        .nl();
  }

  void operator()(const rsstate& x) {
    w().raw("RSSTATE").num(x.last_collected_ut).num(x.last_updated_ut).nl();
  }

  void operator()(const rend& x) {
    auto l = w().raw("REND")
                 .num(x.update_every)
                 .num(x.db_first)
                 .num(x.db_last)
                 .raw(x.start_streaming ? " true" : " false")
                 .num(x.requested_after)
                 .num(x.requested_before);
    if (x.child_now)
      l.num(*x.child_now);
    l.nl();
  }

  void operator()(const function_call& x) {
    w().raw("FUNCTION ")
        .raw(x.transaction)
        .num(x.timeout)
        .quoted(x.function)
        .nl();
  }

  void operator()(const function_result_begin& x) {
    w().raw("FUNCTION_RESULT_BEGIN")
        .quoted(x.transaction)
        .num(x.code)
        .quoted(x.content_type)
        .num(x.expires)
        .nl();
  }

  void operator()(const function_result_end&) {
    w().raw("FUNCTION_RESULT_END").nl();
  }

  void operator()(const function_result& x) {
    (*this)(x.header);
    out += x.payload;
    (*this)(function_result_end{});
  }

  void operator()(const flush&) {
    w().raw("FLUSH").nl();
  }

  void operator()(const disable&) {
    w().raw("DISABLE").nl();
  }
};

} // namespace

void write_command(const command& x, std::string& out) {
  std::visit(writer_visitor{out}, x);
}

std::string to_string(const command& x) {
  std::string out;
  write_command(x, out);
  return out;
}

} // namespace tributary::protocol

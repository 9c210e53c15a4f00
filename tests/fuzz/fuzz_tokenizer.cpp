// Tokenizer, command parser, writer and command_reader on arbitrary lines.
// Also checks that a parsed command re-parses to the same bytes, and that
// the SET and RSET fast paths read what the generic parser reads.

#include "protocol/command_reader.hpp"
#include "protocol/commands.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/plain_set.hpp"
#include "protocol/tokenizer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>

using namespace tributary::protocol;

namespace {

// The protocol has no escaping: a word holding a quote, a backslash or a
// separator cannot be written back unambiguously, so only "clean" lines
// must round-trip.
bool clean(const words& ws) {
  for (auto w : ws)
    for (char c : w)
      if (c == '"' || c == '\'' || c == '\\' || c == ' ' || c == '\t'
          || c == '\r' || c == '\n' || c == '=')
        return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in{reinterpret_cast<const char*>(data), size};
  line_splitter lines;
  lines.feed(in);
  command_reader reader;
  std::string_view line;
  auto dir
      = size > 0 && (data[0] & 1) ? direction::to_child : direction::to_parent;
  while (lines.next(line)) {
    words ws;
    tokenize(line, ws);
    if (ws.size() > max_words)
      std::abort();
    for (auto w : ws)
      if (w.data() < line.data()
          || w.data() + w.size() > line.data() + line.size())
        std::abort();
    if (auto cmd = parse_command(ws, dir); cmd && clean(ws)) {
      auto text = to_string(*cmd);
      // What we write must parse again and write the same bytes.
      auto again
          = parse_line(std::string_view{text}.substr(0, text.size() - 1), dir);
      if (!again || to_string(*again) != text)
        std::abort();
    }
    // The SET fast path agrees with the generic parser on every line it
    // takes.
    if (set_view fast; parse_plain_set(line, fast)) {
      auto generic = parse_command(ws, dir);
      auto* x = generic ? std::get_if<set>(&*generic) : nullptr;
      if (x == nullptr || x->dimension_id != fast.dimension_id
          || x->value != fast.value)
        std::abort();
    }
    if (rset_view fast; parse_plain_rset(line, fast)) {
      auto generic = parse_command(ws, dir);
      auto* x = generic ? std::get_if<rset>(&*generic) : nullptr;
      if (x == nullptr || x->dimension_id != fast.dimension_id
          || x->flags != fast.flags
          || std::memcmp(&x->value.value, &fast.value, sizeof(double)) != 0)
        std::abort();
    }
    if (rbegin fast; parse_plain_rbegin(line, fast)) {
      auto generic = parse_command(ws, dir);
      auto* x = generic ? std::get_if<rbegin>(&*generic) : nullptr;
      if (x == nullptr || x->chart_id != fast.chart_id
          || x->has_times != fast.has_times
          || x->point_start != fast.point_start
          || x->point_end != fast.point_end || x->child_now != fast.child_now)
        std::abort();
    }
    command cmd;
    tributary::error err;
    reader.consume(line, cmd, err);
  }
  (void)lines.finish();
  return 0;
}

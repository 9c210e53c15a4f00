#include "protocol/command_reader.hpp"

#include "protocol/limits.hpp"
#include "protocol/tokenizer.hpp"

namespace tributary::protocol {

command_reader::status command_reader::consume(std::string_view line,
                                               command& cmd, error& err) {
  words ws;
  tokenize(line, ws);
  if (in_payload_) {
    // The payload ends at the first line whose first word is the end
    // keyword, even if the payload meant it as data (docs/protocol.md
    // "Commands").
    if (!ws.empty() && ws[0] == "FUNCTION_RESULT_END") {
      in_payload_ = false;
      cmd = std::move(pending_);
      pending_ = function_result{};
      return status::ready;
    }
    if (pending_.payload.size() + line.size() + 1 > max_function_payload) {
      in_payload_ = false;
      pending_ = function_result{};
      err = error{ec::buffer_overflow, "function result exceeds 10 MiB"};
      return status::failed;
    }
    pending_.payload.append(line.data(), line.size());
    pending_.payload += '\n';
    return status::more;
  }
  if (ws.empty())
    return status::more;
  auto res = parse_command(ws, dir_);
  if (!res) {
    err = res.err();
    return status::failed;
  }
  if (auto* frb = std::get_if<function_result_begin>(&*res)) {
    in_payload_ = true;
    pending_.header = std::move(*frb);
    pending_.payload.clear();
    return status::more;
  }
  cmd = std::move(*res);
  return status::ready;
}

} // namespace tributary::protocol

#include "protocol/stream_decoder.hpp"

namespace tributary::protocol {

expected<stream_mode> parse_stream_mode(std::string_view s) {
  if (s == "auto" || s == "automatic")
    return stream_mode::automatic;
  if (s == "plain")
    return stream_mode::plain;
  if (s == "lz4")
    return stream_mode::lz4;
  return error{ec::malformed, "unknown stream mode '" + std::string{s}
                                  + "' (auto, plain or lz4)"};
}

stream_decoder::stream_decoder(stream_mode mode, size_t max_line)
    : mode_(mode), lines_(max_line) {
  // nop
}

error stream_decoder::feed(std::string_view bytes) {
  if (bytes.empty())
    return {};
  if (mode_ == stream_mode::automatic)
    // A compressed stream starts with a block header; protocol text never
    // starts with byte 0xFA.
    mode_ = static_cast<unsigned char>(bytes.front()) == 0xFA
                ? stream_mode::lz4
                : stream_mode::plain;
  if (mode_ == stream_mode::plain) {
    lines_.feed(bytes);
    return {};
  }
  // Each block goes from the lz4 ring to the line buffer: no copy of the
  // whole read in between, which kept up to 64 KiB a connection. Lines
  // completed before a corrupt block are still delivered.
  auto res
      = lz4_.feed(bytes, [this](std::string_view text) { lines_.feed(text); });
  if (!res)
    return res.err();
  return {};
}

error stream_decoder::finish() {
  if (mode_ == stream_mode::lz4)
    if (auto err = lz4_.finish())
      return err;
  return lines_.finish();
}

void stream_decoder::reset(stream_mode mode) {
  mode_ = mode;
  lz4_.reset();
  lines_.reset();
}

error decode_stream(std::string_view bytes, stream_mode mode,
                    const std::function<void(std::string_view)>& on_line) {
  stream_decoder dec{mode};
  auto ferr = dec.feed(bytes);
  std::string_view line;
  while (dec.next(line))
    on_line(line);
  if (ferr)
    return ferr;
  if (dec.err())
    return dec.err();
  return dec.finish();
}

expected<std::string> decode_stream_text(std::string_view bytes,
                                         stream_mode mode) {
  std::string out;
  out.reserve(bytes.size() * 4);
  auto err = decode_stream(bytes, mode, [&](std::string_view line) {
    out.append(line.data(), line.size());
    out += '\n';
  });
  if (err)
    return err;
  return out;
}

} // namespace tributary::protocol

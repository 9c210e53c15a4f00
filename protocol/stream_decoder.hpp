#pragma once

#include "base/error.hpp"
#include "protocol/line_splitter.hpp"
#include "protocol/lz4_framing.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace tributary::protocol {

/// How the bytes after the handshake are encoded.
enum class stream_mode {
  /// Decide from the first byte: 0xFA (lz4 header) -> lz4, else plain.
  automatic,
  plain,
  lz4,
};

/// Parses "auto", "plain" or "lz4".
expected<stream_mode> parse_stream_mode(std::string_view s);

/// Bytes of one connection direction in, lines out: optional lz4 framing
/// (detected or forced) followed by line splitting.
class stream_decoder {
public:
  explicit stream_decoder(stream_mode mode = stream_mode::automatic,
                          size_t max_line = max_line_length);

  /// Consumes raw bytes. Returns ec::compression_error on bad lz4 framing.
  /// Invalidates lines returned by `next()` before.
  error feed(std::string_view bytes);

  /// Next complete line without its `\n`; false if none (see `err()`).
  bool next(std::string_view& line) {
    return lines_.next(line);
  }

  /// Line splitter errors (ec::line_too_long).
  const error& err() const noexcept {
    return lines_.err();
  }

  /// Ends the stream: truncated block or partial line -> error.
  error finish();

  /// The mode in effect (`automatic` until the first byte arrived).
  stream_mode mode() const noexcept {
    return mode_;
  }

  /// The underlying splitter (offsets, line numbers).
  const line_splitter& lines() const noexcept {
    return lines_;
  }

  /// For a new connection.
  void reset(stream_mode mode = stream_mode::automatic);

  /// Heap bytes of the line buffer (the lz4 ring, fixed, not counted).
  size_t heap_bytes() const noexcept {
    return lines_.heap_bytes();
  }

private:
  stream_mode mode_;
  lz4_decoder lz4_;
  line_splitter lines_;
};

/// Decodes a whole captured stream and calls `on_line` for every line
/// (without `\n`). Returns the first error (with its position), if any.
error decode_stream(std::string_view bytes, stream_mode mode,
                    const std::function<void(std::string_view)>& on_line);

/// Decodes a whole captured stream to its text (every line with its `\n`).
expected<std::string> decode_stream_text(std::string_view bytes,
                                         stream_mode mode);

} // namespace tributary::protocol

#pragma once

#include "base/burst_room.hpp"
#include "base/error.hpp"
#include "protocol/limits.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::protocol {

/// Cuts a byte stream into `\n`-terminated lines, whatever the chunking.
/// A line longer than `max_line` bytes (newline included) is an error
/// (ec::line_too_long), as are bytes left without a newline at the end of the
/// stream (ec::truncated, reported by `finish()`). Error positions are byte
/// offsets from the start of the stream. After an error, `next()` returns
/// false until `reset()`.
class line_splitter {
public:
  /// Creates a splitter enforcing `max_line` (Netdata's 15,360 by default).
  explicit line_splitter(size_t max_line = max_line_length);

  /// Appends bytes of the stream. Invalidates lines returned before.
  void feed(std::string_view bytes);

  /// Sets `line` to the next complete line, without its `\n`, and returns
  /// true; returns false if more input is needed or on error (see `err()`).
  /// `line` stays valid until the next `feed()` or `reset()`.
  bool next(std::string_view& line);

  /// Ends the stream: an error if a partial line or an earlier error is
  /// pending, else a default (no) error.
  error finish();

  /// The error that stopped the splitter, or a default error.
  const error& err() const noexcept {
    return err_;
  }

  /// Stream offset of the first byte of the line last returned by `next()`.
  size_t line_offset() const noexcept {
    return line_offset_;
  }

  /// Number of lines returned so far (1-based number of the last one).
  size_t line_number() const noexcept {
    return lines_;
  }

  /// Forgets all state, e.g. for a new connection.
  void reset();

  /// Heap bytes of the buffer.
  size_t heap_bytes() const noexcept {
    return tributary::heap_bytes(buf_);
  }

private:
  size_t max_line_;
  std::string buf_;
  // Offset in buf_ of the first byte not yet returned.
  size_t pos_ = 0;
  // Offset in buf_ up to which we know there is no newline.
  size_t scanned_ = 0;
  // Stream offset of buf_[0].
  size_t base_ = 0;
  size_t line_offset_ = 0;
  size_t lines_ = 0;
  error err_;
  burst_room room_;
};

} // namespace tributary::protocol

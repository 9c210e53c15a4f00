#pragma once

#include "base/error.hpp"
#include "protocol/limits.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace tributary::protocol {

/// The 4-byte header of one compressed block of `n` bytes (1..16383):
/// `FA 80|n&7F 80|(n>>7)&7F 0A` (docs/protocol.md "lz4 framing").
std::array<char, lz4_header_size> lz4_header(size_t n) noexcept;

/// True if `b` starts with a valid header signature; `n` gets the length.
bool parse_lz4_header(std::string_view b, size_t& n) noexcept;

/// Decodes the child->parent lz4 stream of one connection: 4-byte headers,
/// each followed by one raw lz4 block that may refer to the previous 64 KiB
/// of output (one dependent stream per connection). Accepts any chunking.
/// Corrupt input yields an error, never undefined behavior; after an error
/// the decoder stays failed until `reset()`.
class lz4_decoder {
public:
  /// With `strict` false, 4 bytes that are not a header pass through as
  /// plain text, as a v1.37.1 receiver tolerates them; with `strict` true
  /// (the default, and the newest Netdata's behavior) they are an error.
  explicit lz4_decoder(bool strict = true);

  ~lz4_decoder();

  lz4_decoder(lz4_decoder&&) noexcept;

  lz4_decoder& operator=(lz4_decoder&&) noexcept;

  /// Receives the decompressed bytes of each block, in order. The view is
  /// into the decoder's ring: valid only during the call.
  using block_sink = std::function<void(std::string_view)>;

  /// Consumes all of `in` and hands the decompressed bytes of every block
  /// completed by it to `sink`. Returns the number of bytes handed over, or
  /// ec::compression_error with the stream offset of the bad header/block.
  expected<size_t> feed(std::string_view in, const block_sink& sink);

  /// `feed`, appending the decompressed bytes to `out`.
  expected<size_t> feed(std::string_view in, std::string& out);

  /// Ends the stream: ec::truncated if a block is incomplete.
  error finish() const;

  /// Number of blocks decoded.
  size_t blocks() const noexcept {
    return blocks_;
  }

  /// For a new connection.
  void reset();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  bool strict_;
  // Header bytes or block bytes collected so far.
  std::string part_;
  // Length of the block being collected; 0 while reading a header.
  size_t want_ = 0;
  size_t consumed_ = 0;
  size_t blocks_ = 0;
  error err_;
};

/// Compresses the child->parent stream of one connection the way a v1.37.1
/// child does: one `LZ4_compress_fast_continue` per chunk, a ring buffer that
/// keeps the last 64 KiB of input in place, a 4-byte header per block. Each
/// chunk holds at most `lz4_max_input` bytes so the block length always fits
/// the 14-bit header field.
class lz4_encoder {
public:
  /// With `binary` (cap BINARY) a commit is cut at exactly `lz4_max_input`
  /// bytes; without it, after the last newline inside that limit.
  explicit lz4_encoder(bool binary = true, int acceleration = 1);

  ~lz4_encoder();

  lz4_encoder(lz4_encoder&&) noexcept;

  lz4_encoder& operator=(lz4_encoder&&) noexcept;

  /// Compresses one commit (a batch of lines) and appends its frames to
  /// `out`. Returns ec::compression_error if lz4 fails.
  error encode(std::string_view commit, std::string& out);

  /// For a new connection.
  void reset();

private:
  error encode_chunk(std::string_view chunk, std::string& out);

  struct impl;
  std::unique_ptr<impl> impl_;
  bool binary_;
  int acceleration_;
};

} // namespace tributary::protocol

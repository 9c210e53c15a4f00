#include "protocol/lz4_framing.hpp"

#include <lz4.h>
#include <vector>

namespace tributary::protocol {

namespace {

constexpr unsigned char sig_first = 0xFA;  // 'z' | 0x80
constexpr unsigned char sig_last = 0x0A;   // '\n'
constexpr size_t max_block_bytes = 0x3FFF; // 14 bits

// lz4.h's minimum ring (LZ4_decoderRingBufferSize: 64 KiB + 14 + a block)
// is not enough: given room for a whole block, lz4 1.9.4 copies a long match
// 32 bytes at a time past its end, over old history a later match of the
// same block may still read when the ring wrapped with just 64 KiB + 14
// behind it (one of 5,000 loadgen streams broke about every 10 minutes).
// Wrapping once less than a block is left, this size keeps at least
// 64 KiB + one block behind each wrap, so nothing lz4 may write over is
// history a match can reach.
constexpr size_t decoder_ring_size = 65536 + 2 * lz4_max_block;

// The encoder ring of a v1.37.1 sender: 64 KiB history + 2 blocks.
constexpr size_t encoder_ring_size = 65536 + 14 + 2 * lz4_max_block;

} // namespace

std::array<char, lz4_header_size> lz4_header(size_t n) noexcept {
  return {static_cast<char>(sig_first), static_cast<char>(0x80 | (n & 0x7F)),
          static_cast<char>(0x80 | ((n >> 7) & 0x7F)),
          static_cast<char>(sig_last)};
}

bool parse_lz4_header(std::string_view b, size_t& n) noexcept {
  if (b.size() < lz4_header_size)
    return false;
  auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (at(0) != sig_first || !(at(1) & 0x80) || !(at(2) & 0x80)
      || at(3) != sig_last)
    return false;
  n = static_cast<size_t>(at(1) & 0x7F)
      | (static_cast<size_t>(at(2) & 0x7F) << 7);
  return true;
}

// -- decoder ------------------------------------------------------------------

struct lz4_decoder::impl {
  LZ4_streamDecode_t state;
  std::vector<char> ring = std::vector<char>(decoder_ring_size);
  size_t pos = 0;

  impl() {
    LZ4_setStreamDecode(&state, nullptr, 0);
  }
};

lz4_decoder::lz4_decoder(bool strict)
    : impl_(std::make_unique<impl>()), strict_(strict) {
  // nop
}

lz4_decoder::~lz4_decoder() = default;

lz4_decoder::lz4_decoder(lz4_decoder&&) noexcept = default;

lz4_decoder& lz4_decoder::operator=(lz4_decoder&&) noexcept = default;

void lz4_decoder::reset() {
  impl_ = std::make_unique<impl>();
  part_.clear();
  want_ = 0;
  consumed_ = 0;
  blocks_ = 0;
  err_ = error{};
}

expected<size_t> lz4_decoder::feed(std::string_view in, std::string& out) {
  return feed(in, [&out](std::string_view x) { out.append(x); });
}

expected<size_t> lz4_decoder::feed(std::string_view in,
                                   const block_sink& sink) {
  if (err_)
    return err_;
  size_t appended = 0;
  auto fail = [&](std::string msg, size_t pos) {
    err_ = error{ec::compression_error, std::move(msg), pos};
    return err_;
  };
  auto decode = [&](const char* src, size_t n, size_t block_pos) -> error {
    auto& d = *impl_;
    if (d.pos + lz4_max_block > d.ring.size())
      d.pos = 0;
    int r = LZ4_decompress_safe_continue(&d.state, src, d.ring.data() + d.pos,
                                         static_cast<int>(n),
                                         static_cast<int>(lz4_max_block));
    if (r < 0)
      return fail("corrupt lz4 block of " + std::to_string(n) + " bytes",
                  block_pos);
    sink(std::string_view{d.ring.data() + d.pos, static_cast<size_t>(r)});
    d.pos += static_cast<size_t>(r);
    appended += static_cast<size_t>(r);
    ++blocks_;
    return {};
  };
  while (!in.empty()) {
    if (want_ == 0) {
      auto take = std::min(lz4_header_size - part_.size(), in.size());
      part_.append(in.data(), take);
      in.remove_prefix(take);
      consumed_ += take;
      if (part_.size() < lz4_header_size)
        break;
      size_t n = 0;
      size_t header_pos = consumed_ - lz4_header_size;
      if (!parse_lz4_header(part_, n)) {
        if (strict_)
          return fail("bytes without lz4 block header "
                      "(uncompressed data in compressed stream?)",
                      header_pos);
        // Netdata 1.37.1 passes such bytes on as plain text.
        sink(part_);
        appended += part_.size();
        part_.clear();
        continue;
      }
      if (n == 0)
        return fail("lz4 block header with zero length", header_pos);
      part_.clear();
      want_ = n;
      continue;
    }
    size_t block_pos = consumed_ - part_.size() - lz4_header_size;
    if (part_.empty() && in.size() >= want_) {
      // The whole block is in this chunk: decode in place.
      if (auto err = decode(in.data(), want_, block_pos))
        return err;
      in.remove_prefix(want_);
      consumed_ += want_;
      want_ = 0;
      continue;
    }
    auto take = std::min(want_ - part_.size(), in.size());
    part_.append(in.data(), take);
    in.remove_prefix(take);
    consumed_ += take;
    if (part_.size() == want_) {
      if (auto err = decode(part_.data(), want_, block_pos))
        return err;
      part_.clear();
      want_ = 0;
    }
  }
  return appended;
}

error lz4_decoder::finish() const {
  if (err_)
    return err_;
  if (want_ != 0)
    return error{ec::truncated,
                 "stream ends inside an lz4 block ("
                     + std::to_string(part_.size()) + " of "
                     + std::to_string(want_) + " bytes)",
                 consumed_ - part_.size() - lz4_header_size};
  if (!part_.empty())
    return error{ec::truncated, "stream ends inside an lz4 block header",
                 consumed_ - part_.size()};
  return {};
}

// -- encoder ------------------------------------------------------------------

struct lz4_encoder::impl {
  LZ4_stream_t state;
  std::vector<char> ring = std::vector<char>(encoder_ring_size);
  size_t pos = 0;
  std::vector<char> dst = std::vector<char>(LZ4_COMPRESSBOUND(lz4_max_block));

  impl() {
    LZ4_initStream(&state, sizeof(state));
  }
};

lz4_encoder::lz4_encoder(bool binary, int acceleration)
    : impl_(std::make_unique<impl>()), binary_(binary),
      acceleration_(acceleration < 1 ? 1 : acceleration) {
  // nop
}

lz4_encoder::~lz4_encoder() = default;

lz4_encoder::lz4_encoder(lz4_encoder&&) noexcept = default;

lz4_encoder& lz4_encoder::operator=(lz4_encoder&&) noexcept = default;

void lz4_encoder::reset() {
  impl_ = std::make_unique<impl>();
}

error lz4_encoder::encode(std::string_view commit, std::string& out) {
  while (!commit.empty()) {
    size_t n = std::min(commit.size(), lz4_max_input);
    if (!binary_ && n < commit.size()) {
      // Without BINARY the receiver expects whole lines per block.
      auto nl = commit.substr(0, n).rfind('\n');
      if (nl != std::string_view::npos)
        n = nl + 1;
    }
    if (auto err = encode_chunk(commit.substr(0, n), out))
      return err;
    commit.remove_prefix(n);
  }
  return {};
}

error lz4_encoder::encode_chunk(std::string_view chunk, std::string& out) {
  auto& e = *impl_;
  // The last 64 KiB of input must stay where lz4 saw it; wrap only when
  // the next chunk would not fit.
  if (e.pos + chunk.size() > e.ring.size())
    e.pos = 0;
  char* src = e.ring.data() + e.pos;
  std::copy(chunk.begin(), chunk.end(), src);
  int n = LZ4_compress_fast_continue(
      &e.state, src, e.dst.data(), static_cast<int>(chunk.size()),
      static_cast<int>(e.dst.size()), acceleration_);
  if (n <= 0 || static_cast<size_t>(n) > max_block_bytes)
    return error{ec::compression_error, "lz4 compression failed for a chunk of "
                                            + std::to_string(chunk.size())
                                            + " bytes"};
  e.pos += chunk.size();
  if (e.pos >= e.ring.size() - lz4_max_block)
    e.pos = 0;
  auto header = lz4_header(static_cast<size_t>(n));
  out.append(header.data(), header.size());
  out.append(e.dst.data(), static_cast<size_t>(n));
  return {};
}

} // namespace tributary::protocol

#include "protocol/lz4_framing.hpp"

#include "tests/test_data.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <random>

using namespace tributary;
using namespace tributary::protocol;

namespace {

expected<std::string> decode_chunked(std::string_view in, size_t max_chunk,
                                     unsigned seed) {
  std::mt19937 rng{seed};
  std::uniform_int_distribution<size_t> dist{1, max_chunk};
  lz4_decoder dec;
  std::string out;
  while (!in.empty()) {
    auto n = std::min(in.size(), dist(rng));
    auto res = dec.feed(in.substr(0, n), out);
    if (!res)
      return res.err();
    in.remove_prefix(n);
  }
  if (auto err = dec.finish())
    return err;
  return out;
}

} // namespace

TEST_CASE("lz4: header layout of spec 3.1") {
  auto h = lz4_header(300);
  CHECK(std::string(h.data(), 4) == "\xFA\xAC\x82\x0A");
  size_t n = 0;
  CHECK(parse_lz4_header(std::string_view{h.data(), 4}, n));
  CHECK(n == 300);
  auto max = lz4_header(16383);
  CHECK(parse_lz4_header(std::string_view{max.data(), 4}, n));
  CHECK(n == 16383);
  CHECK_FALSE(parse_lz4_header("CLAI", n));
}

TEST_CASE("lz4: stream-lz4.bin decodes exactly, fed whole") {
  auto in = test::read_data("netdata-1.37.1/stream-lz4.bin");
  auto want = test::read_data("netdata-1.37.1/stream-lz4.decoded.txt");
  lz4_decoder dec;
  std::string out;
  auto res = dec.feed(in, out);
  REQUIRE(res);
  CHECK(*res == want.size());
  CHECK(out == want);
  CHECK(dec.blocks() == 522);
  CHECK_FALSE(dec.finish());
}

TEST_CASE("lz4: stream-lz4.bin decodes exactly in random chunks") {
  auto in = test::read_data("netdata-1.37.1/stream-lz4.bin");
  auto want = test::read_data("netdata-1.37.1/stream-lz4.decoded.txt");
  for (size_t max_chunk : {size_t{1}, size_t{3}, size_t{100}, size_t{5000}}) {
    CAPTURE(max_chunk);
    auto out = decode_chunked(in, max_chunk, static_cast<unsigned>(max_chunk));
    REQUIRE(out);
    CHECK(*out == want);
  }
}

TEST_CASE("lz4: fakeparent-stream-lz4.bin decodes completely") {
  auto in = test::read_data("netdata-1.37.1/fakeparent-stream-lz4.bin");
  auto out = decode_chunked(in, 700, 7);
  REQUIRE(out);
  CHECK(out->size() > in.size());
  CHECK(out->back() == '\n');
}

TEST_CASE("lz4: encode then decode stream-plain.bin") {
  auto plain = test::read_data("netdata-1.37.1/stream-plain.bin");
  for (bool binary : {true, false}) {
    CAPTURE(binary);
    lz4_encoder enc{binary};
    std::string wire;
    // Commits of assorted sizes, including ones above one block.
    std::mt19937 rng{42};
    std::uniform_int_distribution<size_t> dist{1, 40000};
    std::string_view rest = plain;
    while (!rest.empty()) {
      auto n = std::min(rest.size(), dist(rng));
      REQUIRE_FALSE(enc.encode(rest.substr(0, n), wire));
      rest.remove_prefix(n);
    }
    CHECK(wire.size() < plain.size() / 2);
    auto out = decode_chunked(wire, 999, 3);
    REQUIRE(out);
    CHECK(*out == plain);
  }
}

TEST_CASE("lz4: a long connection wraps both rings") {
  lz4_encoder enc;
  lz4_decoder dec;
  std::string all, wire, out;
  for (int i = 0; i < 3000; ++i) {
    std::string commit = "BEGIN \"chart." + std::to_string(i % 37)
                         + "\" 1000000\nSET \"d\" = " + std::to_string(i * 7919)
                         + "\nEND\n";
    all += commit;
    wire.clear();
    REQUIRE_FALSE(enc.encode(commit, wire));
    REQUIRE(dec.feed(wire, out));
  }
  CHECK(out == all);
  // Without BINARY every block ends on a line boundary.
  lz4_encoder lines{false};
  std::string big;
  for (int i = 0; i < 2000; ++i)
    big += "SET \"dimension_" + std::to_string(i) + "\" = 1\n";
  wire.clear();
  REQUIRE_FALSE(lines.encode(big, wire));
  lz4_decoder per_block;
  size_t pos = 0;
  while (pos < wire.size()) {
    size_t n = 0;
    REQUIRE(parse_lz4_header(std::string_view{wire}.substr(pos), n));
    std::string block;
    REQUIRE(per_block.feed(std::string_view{wire}.substr(pos, 4 + n), block));
    CHECK(block.back() == '\n');
    pos += 4 + n;
  }
}

namespace {

/// lz4's length coding: `n` in a 4-bit token field, the rest in bytes.
void put_length(std::string& raw, size_t n) {
  if (n < 15)
    return;
  for (n -= 15; n >= 255; n -= 255)
    raw += static_cast<char>(255);
  raw += static_cast<char>(n);
}

/// A sequence: literals, then a match of `len` (>= 4) bytes `offset` back.
void sequence(std::string& raw, std::string_view lits, size_t offset,
              size_t len) {
  raw += static_cast<char>((std::min<size_t>(lits.size(), 15) << 4)
                           | std::min<size_t>(len - 4, 15));
  put_length(raw, lits.size());
  raw += lits;
  raw += static_cast<char>(offset & 0xFF);
  raw += static_cast<char>(offset >> 8);
  put_length(raw, len - 4);
}

/// The last sequence of a block: literals only.
void last_literals(std::string& raw, std::string_view lits) {
  raw += static_cast<char>(std::min<size_t>(lits.size(), 15) << 4);
  put_length(raw, lits.size());
  raw += lits;
}

/// `raw` as one block of the stream, with its 4-byte header.
std::string framed(const std::string& raw) {
  auto h = lz4_header(raw.size());
  return std::string{h.data(), h.size()} + raw;
}

} // namespace

// lz4's decoder may write past the end of what it decoded (a long match is
// copied 32 bytes at a time), anywhere up to the capacity it is given. With
// a ring of the documented minimum (64 KiB + 14 + the block size) the old
// history just ahead of the write position is still referenced after a
// wrap: a match copied over it, the next match read the copy. This is the
// shape that cut one of 5,000 loadgen streams about every 10 minutes.
TEST_CASE("lz4: a match just after a wrap reads history a long match "
          "before it could have overwritten") {
  // History: 64 KiB + 15 bytes of a pattern that names each position (a
  // ring of 64 KiB + 14 + 16 KiB wraps right after), in blocks that fit the
  // header's 14-bit length.
  std::string history;
  for (size_t i = 0; history.size() < 65536 + 15; ++i)
    history += "<" + std::to_string(i) + ">";
  history.resize(65536 + 15);
  std::string wire;
  for (size_t at = 0; at < history.size(); at += 16000) {
    std::string raw;
    last_literals(raw, std::string_view{history}.substr(at, 16000));
    wire += framed(raw);
  }
  // The next block: 16 literals, a 40-byte match 16 back (copied in 32-byte
  // steps: 64 bytes written), then a match at the longest distance, which
  // starts 16 bytes beyond the first match's end in the old history.
  std::string lits = "0123456789abcdef";
  std::string tail(64, 'z');
  std::string raw;
  sequence(raw, lits, 16, 40);
  sequence(raw, "", 65535, 12);
  last_literals(raw, tail);
  wire += framed(raw);

  std::string expected = history;
  expected += lits;
  for (size_t i = 0; i < 40; ++i)
    expected += expected[expected.size() - 16];
  auto from = expected.size() - 65535;
  for (size_t i = 0; i < 12; ++i)
    expected += expected[from + i];
  expected += tail;

  lz4_decoder dec;
  std::string out;
  REQUIRE(dec.feed(wire, out));
  CHECK(out.size() == expected.size());
  CHECK(out.substr(history.size()) == expected.substr(history.size()));
}

TEST_CASE("lz4: corrupt input is an error, never a crash") {
  auto in = test::read_data("netdata-1.37.1/stream-lz4.bin");
  std::string out;
  SUBCASE("flipped header byte") {
    for (size_t i : {size_t{0}, size_t{3}}) {
      auto bad = in;
      bad[i] = static_cast<char>(bad[i] ^ 0x01);
      lz4_decoder dec;
      auto res = dec.feed(bad, out);
      REQUIRE_FALSE(res);
      CHECK(res.err().code == ec::compression_error);
      CHECK(res.err().position == 0);
      // The decoder stays failed.
      CHECK_FALSE(dec.feed("x", out));
    }
  }
  SUBCASE("length bit without the 0x80 marker") {
    auto bad = in;
    bad[1] = static_cast<char>(bad[1] & 0x7F);
    lz4_decoder dec;
    CHECK_FALSE(dec.feed(bad, out));
  }
  SUBCASE("truncated block") {
    lz4_decoder dec;
    REQUIRE(dec.feed(std::string_view{in}.substr(0, in.size() - 5), out));
    auto err = dec.finish();
    CHECK(err.code == ec::truncated);
  }
  SUBCASE("bad size: zero length") {
    lz4_decoder dec;
    auto res = dec.feed(std::string{"\xFA\x80\x80\x0A", 4}, out);
    REQUIRE_FALSE(res);
    CHECK(res.err().code == ec::compression_error);
  }
  SUBCASE("bad size: longer than the block") {
    // Declares 16383 bytes but the real block is shorter: the decoder
    // consumes the next headers as payload and lz4 rejects it.
    auto bad = in;
    bad[1] = static_cast<char>(0xFF);
    bad[2] = static_cast<char>(0xFF);
    lz4_decoder dec;
    auto res = dec.feed(bad, out);
    if (res)
      CHECK(dec.finish());
    else
      CHECK(res.err().code == ec::compression_error);
  }
  SUBCASE("garbage payload") {
    std::string bad{"\xFA\x8A\x80\x0A", 4};
    bad += std::string(10, '\xFF');
    lz4_decoder dec;
    auto res = dec.feed(bad, out);
    REQUIRE_FALSE(res);
    CHECK(res.err().position == 0);
  }
  SUBCASE("1.37 tolerance: plain text between blocks passes in lenient mode") {
    lz4_encoder enc;
    std::string wire;
    REQUIRE_FALSE(enc.encode("END\n", wire));
    wire += "SET \"x\" = 1\n";
    REQUIRE_FALSE(enc.encode("END\n", wire));
    lz4_decoder strict;
    CHECK_FALSE(strict.feed(wire, out));
    out.clear();
    lz4_decoder lenient{false};
    REQUIRE(lenient.feed(wire, out));
    CHECK(out == "END\nSET \"x\" = 1\nEND\n");
  }
}

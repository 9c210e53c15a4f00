#include "protocol/stream_decoder.hpp"

#include "tests/test_data.hpp"

#include <doctest/doctest.h>

using namespace tributary;
using namespace tributary::protocol;

TEST_CASE("stream_decoder: auto-detects lz4 and plain") {
  auto lz4 = test::read_data("netdata-1.37.1/stream-lz4.bin");
  auto text = decode_stream_text(lz4, stream_mode::automatic);
  REQUIRE(text);
  CHECK(*text == test::read_data("netdata-1.37.1/stream-lz4.decoded.txt"));
  auto plain = test::read_data("netdata-1.37.1/stream-plain.bin");
  auto same = decode_stream_text(plain, stream_mode::automatic);
  REQUIRE(same);
  CHECK(*same == plain);
  stream_decoder dec;
  CHECK(dec.mode() == stream_mode::automatic);
  REQUIRE_FALSE(dec.feed(lz4.substr(0, 1)));
  CHECK(dec.mode() == stream_mode::lz4);
}

TEST_CASE("stream_decoder: forced modes") {
  auto lz4 = test::read_data("netdata-1.37.1/stream-lz4.bin");
  auto plain = test::read_data("netdata-1.37.1/stream-plain.bin");
  CHECK(decode_stream_text(lz4, stream_mode::lz4));
  auto wrong = decode_stream_text(plain, stream_mode::lz4);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.err().code == ec::compression_error);
  auto lines = 0;
  CHECK_FALSE(
      decode_stream(test::read_data("netdata-1.37.1/parent-to-child.bin"),
                    stream_mode::plain, [&](std::string_view) { ++lines; }));
  CHECK(lines == 25);
}

TEST_CASE("stream_decoder: chunked feed and errors") {
  auto lz4 = test::read_data("netdata-1.37.1/fakeparent-stream-lz4.bin");
  auto whole = decode_stream_text(lz4, stream_mode::automatic);
  REQUIRE(whole);
  stream_decoder dec;
  std::string out;
  std::string_view line;
  for (size_t i = 0; i < lz4.size(); i += 37) {
    REQUIRE_FALSE(dec.feed(std::string_view{lz4}.substr(i, 37)));
    while (dec.next(line))
      out.append(line.data(), line.size()).push_back('\n');
  }
  CHECK_FALSE(dec.finish());
  CHECK(out == *whole);
  auto partial = decode_stream_text("END\nBEGIN", stream_mode::plain);
  REQUIRE_FALSE(partial);
  CHECK(partial.err().code == ec::truncated);
  CHECK(partial.err().position == 4);
  CHECK(*parse_stream_mode("lz4") == stream_mode::lz4);
  CHECK_FALSE(parse_stream_mode("zstd"));
}

TEST_CASE("stream_decoder: gives back a burst's room once reads are small "
          "again") {
  lz4_encoder enc;
  stream_decoder dec{stream_mode::lz4};
  auto drain = [&] {
    std::string_view line;
    size_t n = 0;
    while (dec.next(line))
      ++n;
    return n;
  };
  // A backfill: a MiB of lines in one read.
  std::string burst;
  for (int i = 0; burst.size() < (size_t{1} << 20); ++i)
    burst += "RSET \"d" + std::to_string(i % 10) + "\" = " + std::to_string(i)
             + "\n";
  std::string wire;
  REQUIRE_FALSE(enc.encode(burst, wire));
  REQUIRE_FALSE(dec.feed(wire));
  CHECK(drain() > 10000);
  auto after_burst = dec.heap_bytes();
  CHECK(after_burst > (size_t{1} << 20));
  // Then a child's ordinary second: a few hundred bytes a read.
  size_t lines = 0;
  for (int i = 0; i < 2 * 16; ++i) {
    std::string second
        = "BEGIN \"c\" 1000000\nSET \"d0\" = " + std::to_string(i) + "\nEND\n";
    wire.clear();
    REQUIRE_FALSE(enc.encode(second, wire));
    REQUIRE_FALSE(dec.feed(wire));
    lines += drain();
  }
  CHECK(lines == 3 * 2 * 16);
  CHECK(dec.heap_bytes() < 4096);
}

TEST_CASE("stream_decoder: a connection keeps no room for a read of tens of "
          "KiB once reads are small") {
  // 5,000 children each kept up to 64 KiB twice over (the decompressed
  // read, then the line buffer): the first definitions and replication
  // come in reads of tens of KiB, then a second is a few hundred bytes.
  lz4_encoder enc;
  stream_decoder dec{stream_mode::lz4};
  std::string first;
  for (int i = 0; first.size() < (size_t{60} << 10); ++i)
    first += "DIMENSION \"d" + std::to_string(i) + "\" '' absolute 1 1 ''\n";
  std::string wire;
  REQUIRE_FALSE(enc.encode(first, wire));
  REQUIRE_FALSE(dec.feed(wire));
  std::string_view line;
  size_t n = 0;
  while (dec.next(line))
    ++n;
  CHECK(n > 1000);
  CHECK(dec.heap_bytes() > (size_t{60} << 10));
  for (int i = 0; i < 2 * 16; ++i) {
    wire.clear();
    REQUIRE_FALSE(
        enc.encode("BEGIN \"c\" 1000000\nSET \"d0\" = 1\nEND\n", wire));
    REQUIRE_FALSE(dec.feed(wire));
    while (dec.next(line))
      ++n;
  }
  CHECK(dec.heap_bytes() < 4096);
}

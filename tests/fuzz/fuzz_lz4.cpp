// lz4 stream decoder on arbitrary bytes and chunkings, against a decoder
// that keeps the whole history apart from where it decodes; encoder round
// trip.

#include "protocol/lz4_framing.hpp"
#include "protocol/stream_decoder.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <lz4.h>
#include <string>
#include <string_view>
#include <vector>

using namespace tributary::protocol;

namespace {

/// What a strict lz4_decoder must give: each block decoded against the
/// last 64 KiB of everything before it, held where decoding cannot touch
/// it; the blocks before the first bad header or block.
std::string reference_decode(std::string_view in) {
  std::string all;
  std::vector<char> block(lz4_max_block);
  size_t n = 0;
  while (parse_lz4_header(in, n) && n > 0 && in.size() >= lz4_header_size + n) {
    auto dict = std::min<size_t>(all.size(), 65536);
    int r = LZ4_decompress_safe_usingDict(
        in.data() + lz4_header_size, block.data(), static_cast<int>(n),
        static_cast<int>(block.size()), all.data() + all.size() - dict,
        static_cast<int>(dict));
    if (r < 0)
      break;
    all.append(block.data(), static_cast<size_t>(r));
    in.remove_prefix(lz4_header_size + n);
  }
  return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in{reinterpret_cast<const char*>(data), size};
  // The first byte picks a chunk size so that chunking is fuzzed too.
  size_t chunk = size > 0 ? static_cast<size_t>(data[0]) + 1 : 1;
  {
    lz4_decoder dec{size > 1 && (data[1] & 1)};
    std::string out;
    for (size_t i = 0; i < in.size(); i += chunk)
      if (!dec.feed(in.substr(i, chunk), out))
        break;
    (void)dec.finish();
  }
  {
    // The same bytes decode to what the reference gives, whatever the
    // chunking (a decoder that lets lz4 write over history it still reads
    // gives other bytes).
    lz4_decoder dec;
    std::string out;
    for (size_t i = 0; i < in.size(); i += chunk)
      if (!dec.feed(in.substr(i, chunk), out))
        break;
    auto want = reference_decode(in);
    if (out != want)
      std::abort();
  }
  {
    stream_decoder dec;
    std::string_view line;
    for (size_t i = 0; i < in.size(); i += chunk) {
      if (dec.feed(in.substr(i, chunk)))
        break;
      while (dec.next(line)) {
      }
    }
    (void)dec.finish();
  }
  {
    lz4_encoder enc{size > 2 && (data[2] & 1)};
    lz4_decoder dec;
    std::string wire, out;
    if (enc.encode(in, wire))
      std::abort();
    if (!dec.feed(wire, out) || out != in || dec.finish())
      std::abort();
  }
  return 0;
}

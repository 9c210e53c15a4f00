// lz4 stream decoder on arbitrary bytes and chunkings; encoder round trip.

#include "protocol/lz4_framing.hpp"
#include "protocol/stream_decoder.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace tributary::protocol;

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

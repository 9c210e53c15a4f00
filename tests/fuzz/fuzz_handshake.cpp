// STREAM request and parent reply parsers on arbitrary bytes.

#include "protocol/handshake.hpp"
#include "protocol/url.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tributary::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in{reinterpret_cast<const char*>(data), size};
  if (auto req = parse_stream_request(in)) {
    (void)validate(*req);
    (void)effective_version(*req);
    auto built = build_stream_request(*req);
    // Whatever we build must parse back to the same request bytes.
    auto again = parse_stream_request(built);
    if (again && build_stream_request(*again) != built)
      std::abort();
  }
  if (auto reply = parse_reply(in)) {
    if (reply->kind != reply_kind::ok_version && build_reply(reply->kind) != in)
      std::abort();
  }
  (void)url_decode(in);
  (void)url_encode(in);
  (void)is_valid_machine_guid(in);
  return 0;
}

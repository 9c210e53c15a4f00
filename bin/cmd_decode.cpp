// `tributary decode FILE [--lz4|--plain]`: prints the command lines of a
// captured stream, one per line. The work is protocol::decode_stream.

#include "bin/commands.hpp"
#include "protocol/stream_decoder.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

namespace tributary::cli {

int decode(const decode_options& opts) {
  auto mode = protocol::parse_stream_mode(opts.mode);
  if (!mode) {
    std::cerr << "decode: " << to_string(mode.err()) << '\n';
    return 2;
  }
  std::ifstream in{opts.file, std::ios::binary};
  if (!in) {
    std::cerr << "decode: cannot read " << opts.file << '\n';
    return 1;
  }
  std::string bytes{std::istreambuf_iterator<char>{in}, {}};
  auto err = protocol::decode_stream(bytes, *mode, [](std::string_view line) {
    std::cout.write(line.data(), static_cast<std::streamsize>(line.size()));
    std::cout.put('\n');
  });
  std::cout.flush();
  if (err) {
    std::cerr << "decode: " << opts.file << ": " << to_string(err) << '\n';
    return 1;
  }
  return 0;
}

} // namespace tributary::cli

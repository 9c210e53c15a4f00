#pragma once

#include <cstddef>

namespace tributary::protocol {

/// PLUGINSD_LINE_MAX of v1.37.1: a line holds at most this many bytes
/// including its newline (docs/protocol.md "Lines and words").
constexpr size_t max_line_length = 15360;

/// PLUGINSD_MAX_WORDS of v1.37.1: words per line, keyword included; extra
/// words are dropped silently (docs/protocol.md "Lines and words").
constexpr size_t max_words = 20;

/// Largest uncompressed chunk a v1.37.1 sender compresses at once, and the
/// largest block our lz4 decoder accepts (docs/protocol.md "lz4 framing").
constexpr size_t lz4_max_block = 16384;

/// Largest uncompressed chunk our lz4 encoder compresses at once, so that
/// the compressed size always fits the 14-bit length (docs/protocol.md "lz4
/// framing").
constexpr size_t lz4_max_input = 16255;

/// The size of the 4-byte lz4 frame header.
constexpr size_t lz4_header_size = 4;

/// Cap on a FUNCTION_RESULT payload (docs/protocol.md "Commands").
constexpr size_t max_function_payload = size_t{10} * 1024 * 1024;

} // namespace tributary::protocol

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tributary {

/// The project's error codes, one enum for every layer. The actors layer
/// registers it with CAF (`CAF_ERROR_CODE_ENUM(tributary::ec, "tributary")`).
enum class ec : uint8_t {
  /// Not an error.
  none = 0,
  /// Input ended before a complete unit (line, frame, request) was read.
  truncated,
  /// Bytes that do not follow the wire format.
  malformed,
  /// A line longer than Netdata's limit (15,360 bytes in 1.37.1).
  line_too_long,
  /// A keyword the protocol does not define.
  unknown_command,
  /// A command with missing or unparsable parameters.
  bad_parameters,
  /// A reference to a chart or dimension that was never defined.
  unknown_reference,
  /// An lz4 block header or payload that cannot be decompressed.
  compression_error,
  /// A handshake request or reply that cannot be understood.
  bad_handshake,
  /// The peer was refused (API key, GUID, allow from, rate limit, ...).
  access_denied,
  /// A configuration file with a syntax error.
  config_syntax,
  /// A configuration key that neither tributary nor Netdata knows.
  config_unknown_key,
  /// A configuration value of the wrong type or out of range.
  config_bad_value,
  /// A simple pattern that cannot be compiled.
  bad_pattern,
  /// A file that cannot be read or written.
  io_error,
  /// Stored data whose checksum does not match.
  corruption,
  /// A request for something that does not exist.
  not_found,
  /// A peer sent more data than the configured buffer holds.
  buffer_overflow,
  /// The operation timed out.
  timeout,
  /// An invariant of ours failed; a bug.
  internal,
  /// A TLS handshake, certificate or record failed.
  tls_error,
  /// Number of codes; not an error.
  ec_count,
};

/// Returns the name of `x`, e.g. "line_too_long".
std::string_view to_string(ec x) noexcept;

/// An error value: a code, a human-readable message and the position in the
/// input it refers to (byte offset or line number, whichever the producer
/// documents; `npos` if there is none).
struct error {
  static constexpr size_t npos = static_cast<size_t>(-1);

  ec code = ec::none;
  std::string message;
  size_t position = npos;

  error() = default;

  error(ec code, std::string message, size_t position = npos)
      : code(code), message(std::move(message)), position(position) {
    // nop
  }

  /// True if this holds an error.
  explicit operator bool() const noexcept {
    return code != ec::none;
  }
};

/// Renders `x` as "code: message (at N)".
std::string to_string(const error& x);

/// Either a value of type `T` or an `error`. Errors cross layer boundaries
/// as values, never as exceptions.
template <class T>
class expected {
public:
  expected(T value) : v_(std::move(value)) {
    // nop
  }

  expected(error err) : v_(std::move(err)) {
    // nop
  }

  explicit operator bool() const noexcept {
    return v_.index() == 0;
  }

  bool has_value() const noexcept {
    return v_.index() == 0;
  }

  T& value() & {
    return std::get<0>(v_);
  }

  const T& value() const& {
    return std::get<0>(v_);
  }

  T&& value() && {
    return std::get<0>(std::move(v_));
  }

  T& operator*() & {
    return value();
  }

  const T& operator*() const& {
    return value();
  }

  T* operator->() {
    return &value();
  }

  const T* operator->() const {
    return &value();
  }

  /// REQUIRES: `!has_value()`.
  const error& err() const {
    return std::get<1>(v_);
  }

private:
  std::variant<T, error> v_;
};

} // namespace tributary

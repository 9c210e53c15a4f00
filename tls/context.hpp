#pragma once

#include "base/error.hpp"

#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;

namespace tributary::tls {

/// netdata.conf `[web]` keys of a TLS server.
struct server_options {
  /// `ssl certificate`: a PEM chain file, leaf first.
  std::string certificate;
  /// `ssl key`: a PEM private key.
  std::string key;
  /// `tls version`: the highest protocol offered (`1.0` .. `1.3`); anything
  /// else means the highest the library knows, as in Netdata.
  std::string version = "1.3";
  /// `tls ciphers`: `none` keeps the library's list (TLS <= 1.2 only).
  std::string ciphers = "none";
};

/// stream.conf `[stream]` keys of a TLS client.
struct client_options {
  /// `CAfile`: extra trusted certificates (a CA, or the parent's own cert).
  std::string ca_file;
  /// `CApath`: an extra OpenSSL hashed directory of trusted certificates.
  std::string ca_path;
  /// `ssl skip certificate verification`.
  bool skip_verification = false;
};

/// Shared TLS settings (an OpenSSL context); cheap to copy, and usable from
/// several threads once built.
class context {
public:
  /// The server context of `[web]`. Fails when a file is missing, the key
  /// does not match the certificate or the cipher list is rejected; the
  /// message is the line Netdata logs in that case.
  static expected<context> server(const server_options& opts);

  /// The client context of `[stream]`. Trusts the system's default store
  /// plus CAfile/CApath. Lines to log (CAfile/CApath unusable) are appended
  /// to `notes`; the context is usable anyway.
  static expected<context> client(const client_options& opts,
                                  std::vector<std::string>& notes);

  /// True for a client that must check the parent's certificate.
  bool verifies_peer() const {
    return verify_peer_;
  }

  ssl_ctx_st* native() const {
    return ctx_.get();
  }

private:
  context(std::shared_ptr<ssl_ctx_st> ctx, bool verify_peer)
      : ctx_(std::move(ctx)), verify_peer_(verify_peer) {
    // nop
  }

  std::shared_ptr<ssl_ctx_st> ctx_;
  bool verify_peer_ = false;
};

/// The queued OpenSSL errors of this thread as one line ("" if none), and
/// clears the queue.
std::string take_openssl_errors();

/// True when the first byte a client sent starts a TLS record rather than a
/// plain request. Like Netdata, any byte up to 0x17 (and, compared as a
/// signed char, any byte from 0x80) counts as TLS: `S`, `G`, `O` never do.
inline bool looks_like_tls(char first_byte) {
  return static_cast<signed char>(first_byte) <= 0x17;
}

} // namespace tributary::tls

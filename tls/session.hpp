#pragma once

#include "base/error.hpp"
#include "tls/context.hpp"

#include <string>
#include <string_view>
#include <vector>

struct ssl_st;
struct bio_st;

namespace tributary::tls {

/// One TLS connection over memory buffers: ciphertext from the socket goes
/// into `feed`, ciphertext for the socket comes out of `take_output`. Used
/// from one thread (a broker), moves no bytes itself.
class session {
public:
  enum class role { client, server };

  /// What a `feed` brought besides plaintext.
  enum class event {
    /// Nothing new.
    none,
    /// The handshake completed in this call (reported once).
    established,
    /// The peer sent close_notify.
    closed,
  };

  session(context ctx, role r);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Client: queues the ClientHello. No SNI is sent and the host name is
  /// not checked, as Netdata 1.37.1 children do.
  error start();

  /// Consumes ciphertext from the socket, appends decrypted bytes to
  /// `plain`. Afterwards the caller sends what `take_output` gives, also on
  /// error (an alert).
  expected<event> feed(std::string_view cipher, std::string& plain);

  /// Encrypts `plain`. REQUIRES: `established()`.
  error write(std::string_view plain);

  /// Queues a close_notify alert.
  void close();

  /// Appends the bytes that must go to the socket now to `out`; returns
  /// how many.
  size_t take_output(std::vector<char>& out);

  bool established() const;

  /// The peer's certificate chain check (X509_V_OK = 0), after the
  /// handshake.
  long verify_result() const;

  /// True if the peer presented a certificate.
  bool has_peer_certificate() const;

  /// E.g. "TLSv1.3 TLS_AES_256_GCM_SHA384".
  std::string describe() const;

private:
  error failure(const char* what, int ssl_error);

  context ctx_;
  ssl_st* ssl_ = nullptr;
  bio_st* in_ = nullptr;
  bio_st* out_ = nullptr;
  bool reported_established_ = false;
};

/// The X509 text of a verify result, e.g. "unable to get local issuer
/// certificate".
std::string verify_result_text(long code);

} // namespace tributary::tls

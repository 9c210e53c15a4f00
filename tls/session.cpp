#include "tls/session.hpp"

#include <algorithm>
#include <climits>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <utility>

namespace tributary::tls {

session::session(context ctx, role r) : ctx_(std::move(ctx)) {
  ssl_ = SSL_new(ctx_.native());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  // An empty memory BIO means "more later", not end of file.
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_mem_eof_return(out_, -1);
  SSL_set_bio(ssl_, in_, out_); // the SSL object owns both now
  if (r == role::server)
    SSL_set_accept_state(ssl_);
  else
    SSL_set_connect_state(ssl_);
}

session::~session() {
  SSL_free(ssl_);
}

error session::start() {
  ERR_clear_error();
  auto rc = SSL_do_handshake(ssl_);
  if (rc == 1)
    return {};
  auto err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
    return {};
  return failure("handshake", err);
}

expected<session::event> session::feed(std::string_view cipher,
                                       std::string& plain) {
  while (!cipher.empty()) {
    auto n = static_cast<int>(std::min<size_t>(cipher.size(), INT_MAX));
    if (BIO_write(in_, cipher.data(), n) != n)
      return error{ec::tls_error, "cannot buffer TLS input"};
    cipher.remove_prefix(static_cast<size_t>(n));
  }
  auto ev = event::none;
  if (!SSL_is_init_finished(ssl_)) {
    ERR_clear_error();
    auto rc = SSL_do_handshake(ssl_);
    if (rc != 1) {
      auto err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return ev;
      return failure("handshake", err);
    }
  }
  if (!reported_established_) {
    reported_established_ = true;
    ev = event::established;
  }
  char buf[16384];
  for (;;) {
    ERR_clear_error();
    auto n = SSL_read(ssl_, buf, sizeof(buf));
    if (n > 0) {
      plain.append(buf, static_cast<size_t>(n));
      continue;
    }
    auto err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ)
      return ev;
    if (err == SSL_ERROR_ZERO_RETURN)
      return event::closed;
    return failure("read", err);
  }
}

error session::write(std::string_view plain) {
  if (!SSL_is_init_finished(ssl_))
    return {ec::internal, "TLS write before the handshake completed"};
  while (!plain.empty()) {
    ERR_clear_error();
    auto n
        = SSL_write(ssl_, plain.data(),
                    static_cast<int>(std::min<size_t>(plain.size(), INT_MAX)));
    if (n <= 0)
      return failure("write", SSL_get_error(ssl_, n));
    plain.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

void session::close() {
  ERR_clear_error();
  if (SSL_is_init_finished(ssl_))
    SSL_shutdown(ssl_);
  ERR_clear_error();
}

size_t session::take_output(std::vector<char>& out) {
  size_t total = 0;
  while (auto pending = BIO_ctrl_pending(out_)) {
    auto old = out.size();
    out.resize(old + pending);
    auto n = BIO_read(out_, out.data() + old, static_cast<int>(pending));
    out.resize(old + static_cast<size_t>(std::max(n, 0)));
    if (n <= 0)
      break;
    total += static_cast<size_t>(n);
  }
  return total;
}

bool session::established() const {
  return SSL_is_init_finished(ssl_) == 1;
}

long session::verify_result() const {
  return SSL_get_verify_result(ssl_);
}

bool session::has_peer_certificate() const {
  auto* cert = SSL_get0_peer_certificate(ssl_);
  return cert != nullptr;
}

std::string session::describe() const {
  std::string s = SSL_get_version(ssl_);
  s += ' ';
  s += SSL_get_cipher_name(ssl_);
  return s;
}

error session::failure(const char* what, int ssl_error) {
  auto queued = take_openssl_errors();
  std::string msg = "TLS ";
  msg += what;
  msg += " failed";
  if (!queued.empty())
    msg += ": " + queued;
  else if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_SSL)
    msg += ": protocol error";
  return {ec::tls_error, std::move(msg)};
}

std::string verify_result_text(long code) {
  return X509_verify_cert_error_string(code);
}

} // namespace tributary::tls

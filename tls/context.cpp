#include "tls/context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

namespace tributary::tls {

namespace {

bool file_exists(const std::string& path) {
  struct stat sb {};
  return !path.empty() && ::stat(path.c_str(), &sb) == 0;
}

/// Netdata's `tls version` strings; 0 = the highest the library knows.
/// `1`, `1.0` and `1.1` give TLS 1.2: OpenSSL 3's default security level
/// refuses anything older (Netdata 1.37.1 on bookworm then serves nobody).
int max_version(const std::string& v) {
  if (v == "1" || v == "1.0" || v == "1.1" || v == "1.2")
    return TLS1_2_VERSION;
  return 0;
}

std::shared_ptr<ssl_ctx_st> make_ctx(const SSL_METHOD* method) {
  return {SSL_CTX_new(method), SSL_CTX_free};
}

} // namespace

std::string take_openssl_errors() {
  std::string out;
  char buf[256];
  while (auto e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty())
      out += "; ";
    out += buf;
  }
  return out;
}

expected<context> context::server(const server_options& opts) {
  if (!file_exists(opts.certificate) || !file_exists(opts.key))
    return error{ec::not_found,
                 "To use encryption it is necessary to set "
                 "\"ssl certificate\" and \"ssl key\" in [web] !"};
  ERR_clear_error();
  auto ctx = make_ctx(TLS_server_method());
  if (!ctx)
    return error{ec::tls_error, "SSL_CTX_new: " + take_openssl_errors()};
  // Netdata asks for TLS 1.0 and OpenSSL 3's security level lifts it to 1.2;
  // say so directly.
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version(opts.version));
  static const unsigned char id[] = "tributary";
  SSL_CTX_set_session_id_context(ctx.get(), id, sizeof(id) - 1);
  if (opts.ciphers != "none" && !opts.ciphers.empty()
      && SSL_CTX_set_cipher_list(ctx.get(), opts.ciphers.c_str()) != 1) {
    take_openssl_errors();
    return error{ec::tls_error, "SSL error. cannot set the cipher list"};
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), opts.certificate.c_str())
          != 1
      || SSL_CTX_use_PrivateKey_file(ctx.get(), opts.key.c_str(),
                                     SSL_FILETYPE_PEM)
             != 1
      || SSL_CTX_check_private_key(ctx.get()) != 1)
    return error{ec::tls_error,
                 "SSL cannot check the private key: " + take_openssl_errors()};
  return context{std::move(ctx), false};
}

expected<context> context::client(const client_options& opts,
                                  std::vector<std::string>& notes) {
  ERR_clear_error();
  auto ctx = make_ctx(TLS_client_method());
  if (!ctx)
    return error{ec::tls_error, "SSL_CTX_new: " + take_openssl_errors()};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // The certificate is checked after the handshake (as 1.37.1 does), so
  // that the log can say what was wrong with it.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (!opts.ca_file.empty() || !opts.ca_path.empty()) {
    auto* file = opts.ca_file.empty() ? nullptr : opts.ca_file.c_str();
    auto* path = opts.ca_path.empty() ? nullptr : opts.ca_path.c_str();
    if (SSL_CTX_load_verify_locations(ctx.get(), file, path) != 1) {
      take_openssl_errors();
      notes.emplace_back("Netdata can not verify custom CAfile or CApath for "
                         "parent's SSL certificate, so it will use the default "
                         "OpenSSL configuration to validate certificates!");
    }
  }
  SSL_CTX_set_default_verify_paths(ctx.get());
  ERR_clear_error();
  return context{std::move(ctx), !opts.skip_verification};
}

} // namespace tributary::tls

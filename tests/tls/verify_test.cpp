#include "tests/tls/helpers.hpp"
#include "tls/session.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <openssl/x509_vfy.h>
#include <optional>
#include <string>

using namespace tributary::tls;
using namespace tributary::tls::test;

// The client verifies nothing during the handshake (the caller checks
// verify_result afterwards), so every case here must still connect.

namespace {

long verify(const std::string& server, const std::string& ca_file,
            const std::string& ca_path = "") {
  connection c{client_context(ca_file, ca_path), server_context(server)};
  REQUIRE(c.handshake_done());
  CHECK(c.client.tls.has_peer_certificate());
  return c.client.tls.verify_result();
}

} // namespace

TEST_CASE("verify: the CA in CAfile") {
  CHECK(verify("server", "ca.pem") == X509_V_OK);
}

TEST_CASE("verify: no CAfile leaves the issuer unknown") {
  auto rc = verify("server", "");
  CHECK(rc == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  CHECK(rc == 20);
  CHECK_FALSE(verify_result_text(rc).empty());
  CHECK(verify_result_text(rc) != verify_result_text(X509_V_OK));
}

TEST_CASE("verify: the system's default store is trusted too") {
  // OpenSSL reads SSL_CERT_FILE when the default paths are loaded.
  struct cert_file_env {
    cert_file_env() {
      if (auto* old = std::getenv("SSL_CERT_FILE"))
        saved = old;
      setenv("SSL_CERT_FILE", tls_file("ca.pem").c_str(), 1);
    }
    ~cert_file_env() {
      if (saved)
        setenv("SSL_CERT_FILE", saved->c_str(), 1);
      else
        unsetenv("SSL_CERT_FILE");
    }
    std::optional<std::string> saved;
  } env;
  CHECK(verify("server", "") == X509_V_OK);
}

TEST_CASE("verify: the CA in a hashed CApath") {
  CHECK(verify("server", "", "capath") == X509_V_OK);
}

TEST_CASE("verify: an expired certificate") {
  CHECK(verify("expired", "ca.pem") == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(X509_V_ERR_CERT_HAS_EXPIRED == 10);
}

TEST_CASE("verify: a self-signed certificate") {
  CHECK(verify("selfsigned", "") == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  CHECK(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT == 18);
  CHECK(verify("selfsigned", "selfsigned.pem") == X509_V_OK);
}

TEST_CASE("verify: the host name is not checked") {
  CHECK(verify("wrong", "ca.pem") == X509_V_OK);
}

#include "actors/sender.hpp"
#include "tls/session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <deque>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary {

namespace {

/// The TLS side of a sender's socket: the session, what the sender wrote
/// before the parent's certificate was accepted, and which ciphertext
/// offsets end which plaintext, so that progress is reported in the
/// sender's (plaintext) bytes.
struct sender_tls {
  std::unique_ptr<tls::session> session;
  bool accepted = false;
  bool failed = false;
  std::string held;
  uint64_t plain_total = 0;
  uint64_t cipher_total = 0;
  uint64_t plain_written = 0;
  std::deque<std::pair<uint64_t, uint64_t>> marks;
};

/// Tells the sender (once) that TLS failed; it logs `detail` (if any), then
/// `reason`, and leaves this destination alone.
void report_tls_failure(sender_connection_actor::broker_pointer self,
                        const sender_actor& sender, sender_tls& t,
                        std::string detail, std::string reason) {
  if (t.failed)
    return;
  t.failed = true;
  // Netdata parks a destination for 300 s after any TLS failure.
  constexpr int64_t tls_postpone_s = 300;
  self->send(sender, atom::close::value, std::move(detail), std::move(reason),
             tls_postpone_s);
}

} // namespace

sender_connection_actor::behavior_type
sender_connection(sender_connection_actor::broker_pointer self, int fd,
                  const sender_actor& sender,
                  const std::shared_ptr<const tls::context>& tls_ctx) {
  auto h = self->add_scribe(fd);
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    ::shutdown(fd, SHUT_RDWR);
    self->quit(msg.reason);
  });
  self->configure_read(h, caf::io::receive_policy::at_most(socket_read_bytes));
  self->ack_writes(h, true);
  auto written = std::make_shared<uint64_t>(0);
  auto tls = std::make_shared<sender_tls>();
  auto encrypt = [=](std::string_view plain) {
    auto& t = *tls;
    if (auto err = t.session->write(plain))
      return report_tls_failure(self, sender, *tls, {}, err.message);
    t.plain_total += plain.size();
    t.cipher_total += t.session->take_output(self->wr_buf(h));
    t.marks.emplace_back(t.cipher_total, t.plain_total);
    self->flush(h);
  };
  if (tls_ctx) {
    tls->session
        = std::make_unique<tls::session>(*tls_ctx, tls::session::role::client);
    if (auto err = tls->session->start())
      report_tls_failure(self, sender, *tls, {},
                         "SSL cannot connect with the server: " + err.message);
    tls->cipher_total += tls->session->take_output(self->wr_buf(h));
    self->flush(h);
  }
  return {
      [=](const caf::io::new_data_msg& msg) {
        if (!tls->session) {
          self->send(sender, atom::data::value,
                     std::string{msg.buf.begin(), msg.buf.end()});
          return;
        }
        auto& t = *tls;
        if (t.failed)
          return;
        std::string plain;
        auto ev = t.session->feed({msg.buf.data(), msg.buf.size()}, plain);
        t.cipher_total += t.session->take_output(self->wr_buf(h));
        self->flush(h);
        if (!ev) {
          if (!t.accepted)
            return report_tls_failure(self, sender, t, {},
                                      "SSL cannot connect with the server: "
                                          + ev.err().message);
          return report_tls_failure(self, sender, t, {}, ev.err().message);
        }
        if (*ev == tls::session::event::established) {
          // Checked after the handshake, as 1.37.1 does, to say what is wrong.
          auto vr = t.session->verify_result();
          if (tls_ctx->verifies_peer()
              && (!t.session->has_peer_certificate() || vr != 0))
            return report_tls_failure(
                self, sender, t,
                "SSL RFC4158 check:  We have a invalid certificate, the tests "
                "result with "
                    + std::to_string(vr) + " and message "
                    + tls::verify_result_text(vr),
                "Closing the stream connection, because the server SSL "
                "certificate is not valid.");
          t.accepted = true;
          if (!t.held.empty()) {
            std::string held;
            held.swap(t.held);
            encrypt(held);
          }
        }
        if (!plain.empty())
          self->send(sender, atom::data::value, std::move(plain));
        if (*ev == tls::session::event::closed)
          self->send(sender, atom::close::value);
      },
      [=](const caf::io::data_transferred_msg& msg) {
        // Never close in here (CAF 0.17.6 use-after-free); only report.
        *written += msg.written;
        auto progress = *written;
        if (tls->session) {
          auto& t = *tls;
          while (!t.marks.empty() && t.marks.front().first <= *written) {
            t.plain_written = t.marks.front().second;
            t.marks.pop_front();
          }
          progress = t.plain_written;
        }
        self->send(sender, atom::write::value, progress);
      },
      [=](atom::write, const std::string& bytes) {
        if (!tls->session) {
          self->write(h, bytes.size(), bytes.data());
          self->flush(h);
        } else if (!tls->accepted) {
          tls->held += bytes;
        } else {
          encrypt(bytes);
        }
      },
      [=](atom::close) {
        // Netdata closes at once and drops what is unsent: a graceful close
        // would wait for a parent that does not read.
        ::shutdown(fd, SHUT_RDWR);
        self->close(h);
        self->quit();
      },
      [=](const caf::io::connection_closed_msg&) {
        if (tls->session && !tls->accepted)
          report_tls_failure(self, sender, *tls, {},
                             "SSL cannot connect with the server: the parent "
                             "closed the connection during the TLS handshake");
        else
          self->send(sender, atom::close::value);
        self->quit();
      },
  };
}

} // namespace tributary

#include "access/check.hpp"

#include "config/resolve.hpp"
#include "log/logger.hpp"
#include "protocol/capabilities.hpp"

namespace tributary {

namespace {

access_outcome deny(std::string log_line, std::string status) {
  access_outcome out;
  out.kind = protocol::reply_kind::permission_denied;
  out.log_line = std::move(log_line);
  out.access_status = std::move(status);
  return out;
}

access_outcome verdict_outcome(config::access_verdict v,
                               const stream_hello& h) {
  using config::access_verdict;
  auto key = "API key '" + log_text(h.api_key) + "'";
  auto guid = "machine GUID '" + log_text(h.host.machine_guid) + "'";
  switch (v) {
  case access_verdict::allowed:
    break;
  case access_verdict::bad_api_key:
    return deny(key
                    + " is not valid GUID (use the command uuidgen to "
                      "generate one). Forbidding access.",
                "ACCESS DENIED - INVALID KEY");
  case access_verdict::bad_machine_guid:
    return deny(guid + " is not GUID. Forbidding access.",
                "ACCESS DENIED - INVALID MACHINE GUID");
  case access_verdict::api_key_wrong_type:
    return deny(key + " is a machine GUID. Forbidding access.",
                "ACCESS DENIED - API KEY GIVEN IS NOT API KEY");
  case access_verdict::api_key_disabled:
    return deny(key + " is not allowed. Forbidding access.",
                "ACCESS DENIED - KEY NOT ENABLED");
  case access_verdict::api_key_ip_denied:
    return deny(key + " is not permitted from this IP. Forbidding access.",
                "ACCESS DENIED - KEY NOT ALLOWED FROM THIS IP");
  case access_verdict::machine_guid_wrong_type:
    return deny(guid + " is an API key GUID. Forbidding access.",
                "ACCESS DENIED - MACHINE GUID GIVEN IS NOT A MACHINE GUID");
  case access_verdict::machine_guid_disabled:
    return deny(guid + " is not allowed. Forbidding access.",
                "ACCESS DENIED - MACHINE GUID NOT ENABLED");
  case access_verdict::machine_guid_ip_denied:
    return deny("Machine GUID '" + log_text(h.host.machine_guid)
                    + "' is not permitted from this IP. Forbidding access.",
                "ACCESS DENIED - MACHINE GUID NOT ALLOWED FROM THIS IP");
  }
  return {};
}

} // namespace

access_outcome decide_access(const config::settings& cfg, const stream_hello& h,
                             access_facts& facts) {
  // Spec §1.3 step 2, items 1-3, then 4-11 through the config layer.
  if (h.api_key.empty())
    return deny("request without an API key. Forbidding access.",
                "ACCESS DENIED - NO KEY");
  if (h.host.hostname.empty())
    return deny("request without a hostname. Forbidding access.",
                "ACCESS DENIED - NO HOSTNAME");
  if (h.host.machine_guid.empty())
    return deny("request without a machine GUID. Forbidding access.",
                "ACCESS DENIED - NO MACHINE GUID");
  auto verdict
      = config::check_access(cfg, h.api_key, h.host.machine_guid, h.peer_ip);
  if (verdict != config::access_verdict::allowed)
    return verdict_outcome(verdict, h);
  // Step 3: one global rate limit for all stream requests.
  auto every = cfg.global.accept_a_streaming_request_every_seconds;
  if (every > 0) {
    auto wait = facts.last_accept_s + every - facts.now_s;
    if (wait > 0) {
      access_outcome out;
      out.kind = protocol::reply_kind::busy;
      out.log_line = "too busy to accept new streaming request. Will be "
                     "allowed in "
                     + std::to_string(wait) + " secs.";
      return out;
    }
  }
  // Step 4: a second live connection for the same GUID.
  access_outcome out;
  if (facts.already_streaming) {
    if (facts.existing_idle_s <= dead_receiver_seconds) {
      out.kind = protocol::reply_kind::already_streaming;
      out.log_line = "multiple connections for same host detected - existing "
                     "connection is active (within last "
                     + std::to_string(facts.existing_idle_s)
                     + " sec), rejecting new connection.";
      out.access_status = "REJECTED - ALREADY CONNECTED";
      return out;
    }
    out.replace_existing = true;
    out.log_line = "multiple connections for same host detected - existing "
                   "connection is dead ("
                   + std::to_string(facts.existing_idle_s)
                   + " sec), accepting new connection.";
  }
  // Receiver thread step 2: our own GUID streamed back to us.
  if (h.host.machine_guid == facts.own_guid) {
    out.kind = protocol::reply_kind::localhost;
    out.replace_existing = false;
    out.log_line = "denied to receive metrics, machine GUID ["
                   + h.host.machine_guid
                   + "] is my own. Did you copy the parent/proxy machine GUID "
                     "to a child, or is this an inter-agent loop?";
    out.access_status
        = "DENIED - ATTEMPT TO RECEIVE METRICS FROM MACHINE_GUID IDENTICAL TO "
          "PARENT";
    return out;
  }
  facts.last_accept_s = facts.now_s;
  auto effective = config::resolve_receiver(cfg, h.api_key, h.host.machine_guid,
                                            h.host.update_every);
  auto compression
      = cfg.stream.enable_compression && effective.enable_compression;
  auto caps
      = protocol::negotiate(h.ver, protocol::parent_capabilities(compression));
  out.kind = protocol::reply_kind::ok_version;
  out.accepted = true;
  out.capabilities = caps;
  out.compression = protocol::uses_compression(caps);
  out.access_status = "CONNECTED";
  return out;
}

} // namespace tributary

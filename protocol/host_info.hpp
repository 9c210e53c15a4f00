#pragma once

// The facts a host sends about itself in the stream handshake (the actors
// layer adds CAF's inspect overload in actors/messages.hpp).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

/// What a streamed (or local) host says about itself.
struct host_info {
  std::string machine_guid;
  std::string hostname;
  std::string registry_hostname;
  std::string os;
  std::string timezone;
  std::string abbrev_timezone;
  int64_t utc_offset = 0;
  int64_t update_every = 1;
  int64_t hops = 0;
  std::string tags;
  std::string program_name;
  std::string program_version;
  std::vector<std::pair<std::string, std::string>> system_info;
  std::vector<std::pair<std::string, std::string>> labels;
};

} // namespace tributary

#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

/// The `NETDATA_*` system facts a 1.37.1 child sends in its STREAM request,
/// in the order it sends them (the cloud ones are always `unknown`: nothing
/// here ever asks a metadata service). Files are read below `root`
/// (`/` on a real host; a test tree in tests).
std::vector<std::pair<std::string, std::string>>
read_system_info(const std::string& root);

/// The local time zone as the STREAM request names it.
struct local_zone {
  std::string name = "UTC";
  std::string abbreviation = "UTC";
  int64_t utc_offset = 0;
};

/// From `TZ`, `<root>/etc/timezone` or the `<root>/etc/localtime` link.
local_zone read_local_zone(const std::string& root);

} // namespace tributary

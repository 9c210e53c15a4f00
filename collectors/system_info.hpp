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

/// The same for a node monitored from a container: the node's files
/// (`/etc/os-release`, `/proc`, `/sys`) are read below `host_root` (`[global]
/// host access prefix`), the container's own (its detection and OS) below
/// `own_root`, as Netdata's system-info.sh reads `/host/etc/os-release` for
/// the host and `/etc/os-release` for the container.
std::vector<std::pair<std::string, std::string>>
read_system_info(const std::string& host_root, const std::string& own_root);

/// The local time zone as the STREAM request names it.
struct local_zone {
  std::string name = "UTC";
  std::string abbreviation = "UTC";
  int64_t utc_offset = 0;
};

/// From `TZ`, `<root>/etc/timezone` or the `<root>/etc/localtime` link.
local_zone read_local_zone(const std::string& root);

} // namespace tributary

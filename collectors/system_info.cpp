#include "collectors/system_info.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/utsname.h>

namespace tributary {

namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')
      && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return v;
}

/// `KEY=value` lines of an os-release file.
std::string os_release(const std::string& text, const std::string& key) {
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0)
      return unquote(line.substr(key.size() + 1));
  return {};
}

/// The value after "name<tabs>: " of the first matching /proc/cpuinfo line.
std::string cpuinfo_field(const std::string& text, const std::string& name) {
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0)
      continue;
    auto colon = line.find(':');
    if (colon != std::string::npos)
      return line.substr(line.find_first_not_of(" \t", colon + 1)
                                 == std::string::npos
                             ? line.size()
                             : line.find_first_not_of(" \t", colon + 1));
  }
  return {};
}

int count_processors(const std::string& cpuinfo) {
  int n = 0;
  std::istringstream in{cpuinfo};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("processor", 0) == 0)
      ++n;
  return n;
}

std::string cpu_freq_hz(const std::string& root, const std::string& cpuinfo) {
  auto khz = read_all(
      root + "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (auto v = std::strtoull(khz.c_str(), nullptr, 10); v > 0)
    return std::to_string(v * 1000);
  auto mhz = std::strtod(cpuinfo_field(cpuinfo, "cpu MHz").c_str(), nullptr);
  return mhz > 0 ? std::to_string(static_cast<uint64_t>(mhz * 1e6))
                 : std::string{};
}

std::string total_ram(const std::string& meminfo) {
  std::istringstream in{meminfo};
  std::string key;
  uint64_t kb = 0;
  while (in >> key) {
    if (key == "MemTotal:" && (in >> kb))
      return std::to_string(kb * 1024);
    in.ignore(1 << 20, '\n');
  }
  return {};
}

/// Physical block devices only (no loop, ram, zram or device-mapper).
std::string total_disk(const std::string& root) {
  std::error_code ec;
  uint64_t bytes = 0;
  for (auto& e : fs::directory_iterator(root + "/sys/block", ec)) {
    auto name = e.path().filename().string();
    if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0
        || name.rfind("zram", 0) == 0 || name.rfind("dm-", 0) == 0)
      continue;
    bytes += std::strtoull(read_all(e.path().string() + "/size").c_str(),
                           nullptr, 10)
             * 512;
  }
  return bytes > 0 ? std::to_string(bytes) : std::string{};
}

std::pair<std::string, std::string> container(const std::string& root) {
  std::error_code ec;
  if (fs::exists(root + "/.dockerenv", ec))
    return {"docker", "dockerenv"};
  if (fs::exists(root + "/run/.containerenv", ec))
    return {"podman", "containerenv"};
  return {"none", "none"};
}

} // namespace

std::vector<std::pair<std::string, std::string>>
read_system_info(const std::string& root) {
  return read_system_info(root, root);
}

std::vector<std::pair<std::string, std::string>>
read_system_info(const std::string& root, const std::string& own_root) {
  auto os = read_all(root + "/etc/os-release");
  auto own_os = own_root == root ? os : read_all(own_root + "/etc/os-release");
  auto cpuinfo = read_all(root + "/proc/cpuinfo");
  auto meminfo = read_all(root + "/proc/meminfo");
  std::string kernel;
  std::string release;
  std::string machine;
  struct utsname u;
  if (::uname(&u) == 0) {
    kernel = u.sysname;
    release = u.release;
    machine = u.machine;
  }
  bool hypervisor
      = (" " + cpuinfo_field(cpuinfo, "flags") + " ").find(" hypervisor ")
        != std::string::npos;
  auto [box, box_detection] = container(own_root);
  const char* k8s = std::getenv("KUBERNETES_SERVICE_HOST");
  auto detection = os.empty()         ? std::string{"unknown"}
                   : own_root == root ? std::string{"/etc/os-release"}
                                      : root + "/etc/os-release";
  auto own_detection = own_os.empty() ? std::string{"unknown"}
                                      : std::string{"/etc/os-release"};
  return {
      {"NETDATA_INSTANCE_CLOUD_TYPE", "unknown"},
      {"NETDATA_INSTANCE_CLOUD_INSTANCE_TYPE", "unknown"},
      {"NETDATA_INSTANCE_CLOUD_INSTANCE_REGION", "unknown"},
      {"NETDATA_SYSTEM_OS_NAME", os_release(os, "NAME")},
      {"NETDATA_SYSTEM_OS_ID", os_release(os, "ID")},
      {"NETDATA_SYSTEM_OS_ID_LIKE", os_release(os, "ID_LIKE")},
      {"NETDATA_SYSTEM_OS_VERSION", os_release(os, "VERSION")},
      {"NETDATA_SYSTEM_OS_VERSION_ID", os_release(os, "VERSION_ID")},
      {"NETDATA_SYSTEM_OS_DETECTION", detection},
      {"NETDATA_HOST_IS_K8S_NODE",
       k8s != nullptr && *k8s != '\0' ? "true" : "false"},
      {"NETDATA_SYSTEM_KERNEL_NAME", kernel},
      {"NETDATA_SYSTEM_KERNEL_VERSION", release},
      {"NETDATA_SYSTEM_ARCHITECTURE", machine},
      {"NETDATA_SYSTEM_VIRTUALIZATION", hypervisor ? "hypervisor" : "none"},
      {"NETDATA_SYSTEM_VIRT_DETECTION", hypervisor ? "/proc/cpuinfo" : "none"},
      {"NETDATA_SYSTEM_CONTAINER", box},
      {"NETDATA_SYSTEM_CONTAINER_DETECTION", box_detection},
      {"NETDATA_CONTAINER_OS_NAME",
       box == "none" ? "none" : os_release(own_os, "NAME")},
      {"NETDATA_CONTAINER_OS_ID",
       box == "none" ? "none" : os_release(own_os, "ID")},
      {"NETDATA_CONTAINER_OS_ID_LIKE",
       box == "none" ? "none" : os_release(own_os, "ID_LIKE")},
      {"NETDATA_CONTAINER_OS_VERSION",
       box == "none" ? "none" : os_release(own_os, "VERSION")},
      {"NETDATA_CONTAINER_OS_VERSION_ID",
       box == "none" ? "none" : os_release(own_os, "VERSION_ID")},
      {"NETDATA_CONTAINER_OS_DETECTION",
       box == "none" ? "none" : own_detection},
      {"NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT",
       std::to_string(count_processors(cpuinfo))},
      {"NETDATA_SYSTEM_CPU_FREQ", cpu_freq_hz(root, cpuinfo)},
      {"NETDATA_SYSTEM_TOTAL_RAM", total_ram(meminfo)},
      {"NETDATA_SYSTEM_TOTAL_DISK_SIZE", total_disk(root)},
      {"NETDATA_PROTOCOL_VERSION", "1.1"},
  };
}

local_zone read_local_zone(const std::string& root) {
  local_zone z;
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    z.name = *tz == ':' ? tz + 1 : tz;
  } else if (auto name = read_all(root + "/etc/timezone"); !name.empty()) {
    z.name = name.substr(0, name.find_first_of(" \t\r\n"));
  } else {
    std::error_code ec;
    auto target = fs::read_symlink(root + "/etc/localtime", ec).string();
    if (auto at = target.find("zoneinfo/"); !ec && at != std::string::npos)
      z.name = target.substr(at + 9);
  }
  auto now = std::time(nullptr);
  struct tm local {};
  if (::localtime_r(&now, &local) != nullptr) {
    z.utc_offset = local.tm_gmtoff;
    if (local.tm_zone != nullptr)
      z.abbreviation = local.tm_zone;
  }
  return z;
}

} // namespace tributary

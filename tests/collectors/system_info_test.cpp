#include "collectors/system_info.hpp"
#include "protocol/handshake.hpp"
#include "tests/test_data.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace tributary;

TEST_SUITE("system info") {

  TEST_CASE("the NETDATA_* facts of a 1.37.1 child, in its order, read from a "
            "host tree") {
    auto root = test::data_path("sysinfo");
    auto info = read_system_info(root);
    REQUIRE(info.size() == 28);
    CHECK(info.front().first == "NETDATA_INSTANCE_CLOUD_TYPE");
    CHECK(info.back()
          == std::make_pair(std::string{"NETDATA_PROTOCOL_VERSION"},
                            std::string{"1.1"}));
    std::map<std::string, std::string> m(info.begin(), info.end());
    // Nothing here asks a cloud metadata service.
    CHECK(m["NETDATA_INSTANCE_CLOUD_TYPE"] == "unknown");
    CHECK(m["NETDATA_SYSTEM_OS_NAME"] == "Debian GNU/Linux");
    CHECK(m["NETDATA_SYSTEM_OS_ID"] == "debian");
    CHECK(m["NETDATA_SYSTEM_OS_VERSION"] == "12 (bookworm)");
    CHECK(m["NETDATA_SYSTEM_OS_VERSION_ID"] == "12");
    CHECK(m["NETDATA_SYSTEM_OS_DETECTION"] == "/etc/os-release");
    CHECK(m["NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT"] == "2");
    CHECK(m["NETDATA_SYSTEM_CPU_FREQ"] == "3000000000");
    CHECK(m["NETDATA_SYSTEM_TOTAL_RAM"] == std::to_string(4028460ull * 1024));
    // sda and nvme0n1; loop0 is not a disk.
    CHECK(m["NETDATA_SYSTEM_TOTAL_DISK_SIZE"]
          == std::to_string((41943040ull + 2000000ull) * 512));
    CHECK(m["NETDATA_SYSTEM_VIRTUALIZATION"] == "hypervisor");
    CHECK(m["NETDATA_SYSTEM_CONTAINER"] == "none");
    CHECK_FALSE(m["NETDATA_SYSTEM_KERNEL_NAME"].empty());
    // The request carrying them parses back, as a version-1.1 child.
    protocol::stream_request req;
    req.key = "k";
    req.hostname = "h";
    req.machine_guid = "11111111-2222-3333-4444-555555555555";
    req.ver = 0x2ff8;
    req.system_info = info;
    auto text = protocol::build_stream_request(req);
    CHECK(text.size() < 16384);
    auto back = protocol::parse_stream_request(
        text.substr(0, text.find("\r\n\r\n") + 4));
    REQUIRE(back.has_value());
    REQUIRE(back->info("NETDATA_SYSTEM_OS_VERSION") != nullptr);
    CHECK(*back->info("NETDATA_SYSTEM_OS_VERSION") == "12 (bookworm)");
  }

  TEST_CASE("host access prefix: the node's facts from the prefix, the "
            "container's from its own root") {
    namespace fs = std::filesystem;
    auto tmp = fs::temp_directory_path()
               / ("trib-sysinfo-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    auto own = tmp / "own";
    fs::create_directories(own / "etc");
    fs::create_directories(own / "run");
    std::ofstream{own / "etc/os-release"}
        << "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19\n";
    std::ofstream{own / ".dockerenv"} << "";
    auto node = test::data_path("sysinfo");
    auto info = read_system_info(node, own.string());
    std::map<std::string, std::string> m(info.begin(), info.end());
    CHECK(m["NETDATA_SYSTEM_OS_NAME"] == "Debian GNU/Linux");
    CHECK(m["NETDATA_SYSTEM_OS_DETECTION"] == node + "/etc/os-release");
    CHECK(m["NETDATA_SYSTEM_CPU_FREQ"] == "3000000000");
    CHECK(m["NETDATA_SYSTEM_TOTAL_RAM"] == std::to_string(4028460ull * 1024));
    CHECK(m["NETDATA_SYSTEM_CONTAINER"] == "docker");
    CHECK(m["NETDATA_CONTAINER_OS_NAME"] == "Alpine Linux");
    CHECK(m["NETDATA_CONTAINER_OS_ID"] == "alpine");
    CHECK(m["NETDATA_CONTAINER_OS_DETECTION"] == "/etc/os-release");
    fs::remove_all(tmp);
  }

  TEST_CASE("an empty tree gives empty facts, never a crash") {
    auto info = read_system_info("/nonexistent-root");
    std::map<std::string, std::string> m(info.begin(), info.end());
    CHECK(m["NETDATA_SYSTEM_OS_NAME"].empty());
    CHECK(m["NETDATA_SYSTEM_OS_DETECTION"] == "unknown");
    CHECK(m["NETDATA_SYSTEM_CPU_LOGICAL_CPU_COUNT"] == "0");
    CHECK(m["NETDATA_SYSTEM_TOTAL_DISK_SIZE"].empty());
  }

} // TEST_SUITE

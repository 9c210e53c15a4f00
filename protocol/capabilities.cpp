#include "protocol/capabilities.hpp"

namespace tributary::protocol {

uint32_t version_to_capabilities(int64_t ver, uint32_t local_caps) {
  uint32_t caps;
  if (ver <= 1)
    caps = cap_v1;
  else if (ver == 2)
    caps = cap_v2 | cap_hlabels;
  else if (ver == 3)
    caps = cap_vn | cap_hlabels | cap_claim;
  else if (ver == 4)
    caps = cap_vn | cap_hlabels | cap_claim | cap_clabels;
  else if (ver == 5)
    caps = cap_vn | cap_hlabels | cap_claim | cap_clabels | cap_compression;
  else
    // Netdata keeps the value in a signed 32-bit int: higher bits vanish.
    caps = static_cast<uint32_t>(ver) & 0x7FFFFFFFu;
  if (caps & cap_vcaps)
    caps &= ~uint32_t{cap_v1 | cap_v2 | cap_vn};
  else if (caps & cap_vn)
    caps &= ~uint32_t{cap_v1 | cap_v2};
  else if (caps & cap_v2)
    caps &= ~uint32_t{cap_v1};
  return caps & local_caps;
}

int64_t capabilities_to_version(uint32_t caps) {
  if (caps & cap_vcaps)
    return caps;
  if (caps & cap_vn) {
    if (caps & cap_compression)
      return 5;
    if (caps & cap_clabels)
      return 4;
    return 3;
  }
  if (caps & cap_v2)
    return 2;
  return 1;
}

uint32_t parent_capabilities(bool compression_enabled) {
  return compression_enabled ? our_capabilities : our_capabilities_nocomp;
}

uint32_t child_capabilities(bool compression_enabled) {
  return parent_capabilities(compression_enabled);
}

uint32_t negotiate(int64_t child_ver, uint32_t parent_caps) {
  // The conversion ANDs with everything the parent's build knows; the
  // compression bit is then cleared if the parent's setting turned it off.
  auto caps = version_to_capabilities(child_ver, our_capabilities);
  if (!(parent_caps & cap_compression))
    caps &= ~uint32_t{cap_compression};
  return caps & (parent_caps | cap_v1 | cap_v2 | cap_vn);
}

uint32_t accept_reply(int64_t reply_version, uint32_t child_caps) {
  // A v1.37.1 child ANDs only with its compiled-in set, so it uses a bit the
  // parent granted even if its own setting had it off (fixtures README,
  // "Pitfalls"). We AND with what we asked for: never more than we offered.
  return version_to_capabilities(reply_version,
                                 child_caps | cap_v1 | cap_v2 | cap_vn);
}

std::string to_string_caps(uint32_t caps) {
  static constexpr const char* names[32] = {
      nullptr,       nullptr,     nullptr,         "V1",      "V2",
      "VN",          "VCAPS",     "HLABELS",       "CLAIM",   "CLABELS",
      "COMPRESSION", "FUNCTIONS", "REPLICATION",   "BINARY",  "INTERPOLATED",
      "IEEE754",     "ML",        "DYNCFG_OLD",    "SLOTS",   "ZSTD",
      "GZIP",        "BROTLI",    "PROGRESS",      "DYNCFG",  "NODEID",
      "PATHS",       "MLMODELS",  "FLOATBASELINE", "FUNCDEL", nullptr,
      "INVALID",     nullptr,
  };
  std::string out;
  for (unsigned bit = 0; bit < 32; ++bit) {
    if (!(caps & (1u << bit)))
      continue;
    if (!out.empty())
      out += ' ';
    if (names[bit] != nullptr)
      out += names[bit];
    else
      out += "BIT" + std::to_string(bit);
  }
  return out;
}

} // namespace tributary::protocol

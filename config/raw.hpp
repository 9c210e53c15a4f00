#pragma once

// The reader-neutral form both readers (INI and YAML) produce and the one
// code path that turns it into `settings`. Internal to config/.

#include "config/ini.hpp"
#include "config/load.hpp"

#include <string>
#include <vector>

namespace tributary::config::detail {

/// How a stream.conf section is to be read.
enum class section_role {
  /// By its `type` key, as Netdata does: `api`, `machine`, or both if unset.
  by_type,
  /// As an API key (YAML `api_keys`).
  api,
  /// As a machine GUID (YAML `machine_guids`).
  machine,
};

/// One section of netdata.conf or stream.conf, whatever the reader.
struct raw_section {
  std::string name;
  std::string file;
  size_t line = 0;
  section_role role = section_role::by_type;
  std::vector<ini_entry> entries;
};

/// A whole configuration before interpretation.
struct raw_config {
  /// netdata.conf sections, in input order.
  std::vector<raw_section> netdata;
  /// stream.conf sections, in input order ([stream] and the receivers).
  std::vector<raw_section> stream;
  /// Problems the reader found (syntax errors, bad structure).
  std::vector<diagnostic> diagnostics;
};

/// Appends the sections of an INI file.
void append_ini(std::vector<raw_section>& out, const ini_file& in);

/// The one "apply key = value to the model" path: interprets `raw` on top
/// of Netdata's defaults.
load_result build_settings(const raw_config& raw);

/// Applies netdata.conf sections to `cfg.global`.
void apply_netdata(const std::vector<raw_section>& sections, settings& cfg,
                   std::vector<diagnostic>& out);

/// Applies stream.conf sections: [stream] to `cfg.stream`, the others to
/// `cfg.api_keys` / `cfg.machine_guids`. REQUIRES: netdata.conf applied.
void apply_stream(const std::vector<raw_section>& sections, settings& cfg,
                  std::vector<diagnostic>& out);

} // namespace tributary::config::detail

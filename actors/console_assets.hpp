#pragma once

// The web console's page and scripts (web/console/), compiled into the
// binary by CMake (cmake/embed_console.cmake): no files to install, no
// network at build time.

#include <string_view>

namespace tributary {

struct console_asset {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
};

/// The asset for a request path: `/console` and `/console/` are the page,
/// `/console/<file>` a file of web/console/; null if there is none.
const console_asset* find_console_asset(std::string_view path);

} // namespace tributary

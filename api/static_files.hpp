#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::api {

/// Where a URL path leads inside a web files folder, or why it leads nowhere.
struct static_lookup {
  /// 200 (found), 403 (refused: traversal, a link out, not a regular file)
  /// or 404 (nothing there).
  int status = 404;
  /// The file's canonical path when status == 200.
  std::string file;
  /// Why, for the log and the answer's body, when status != 200.
  std::string reason;
};

/// Resolves `url_path` (already percent-decoded, starting with '/') inside
/// `web_root`. A path ending in '/' names that folder's index.html. Any '..'
/// or '.' segment, a backslash or a NUL byte is refused before the file
/// system is asked, and the canonical result (links followed) must stay
/// inside the canonical root, so neither an encoded traversal (decoded
/// before it comes here) nor a symlink can escape the folder.
static_lookup resolve_static_path(std::string_view web_root,
                                  std::string_view url_path);

/// The Content-Type for a file name, by its extension.
std::string_view content_type_for(std::string_view file_name);

/// The file's bytes, or status 404/403/413 when it cannot be read whole
/// (it vanished, it is unreadable, or it is bigger than `max_bytes`).
struct static_file {
  int status = 200;
  std::string body;
  std::string reason;
};
static_file read_static_file(const std::string& file, size_t max_bytes);

} // namespace tributary::api

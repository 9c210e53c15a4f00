#include "api/static_files.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tributary::api;
namespace fs = std::filesystem;

namespace {

/// web/ with index.html, js/app.js, sub/index.html, a link inside, links
/// out (file and folder), and secret.txt next to web/ (outside the root).
struct web_tree {
  fs::path base;
  fs::path web;
  web_tree() {
    base = fs::temp_directory_path()
           / ("tributary-static-" + std::to_string(::getpid()));
    fs::remove_all(base);
    web = base / "web";
    fs::create_directories(web / "js");
    fs::create_directories(web / "sub");
    fs::create_directories(base / "outside");
    write(web / "index.html", "<html>root</html>");
    write(web / "js" / "app.js", "app()");
    write(web / "sub" / "index.html", "sub");
    write(base / "secret.txt", "secret");
    write(base / "outside" / "index.html", "out");
    fs::create_symlink("../secret.txt", web / "leak.txt");
    fs::create_symlink(base / "outside", web / "outdir");
    fs::create_symlink("js/app.js", web / "alias.js");
  }
  ~web_tree() {
    fs::remove_all(base);
  }
  static void write(const fs::path& p, const char* text) {
    std::ofstream{p} << text;
  }
  static_lookup get(std::string_view path) const {
    return resolve_static_path(web.string(), path);
  }
};

} // namespace

TEST_CASE("resolve_static_path finds files and a folder's index.html") {
  web_tree t;
  auto root = fs::canonical(t.web);
  CHECK(t.get("/").status == 200);
  CHECK(t.get("/").file == (root / "index.html").string());
  CHECK(t.get("/js/app.js").file == (root / "js" / "app.js").string());
  CHECK(t.get("/sub/").file == (root / "sub" / "index.html").string());
  CHECK(t.get("/sub").file == (root / "sub" / "index.html").string());
  CHECK(t.get("//js//app.js").status == 200);
  // A link that stays inside is followed.
  CHECK(t.get("/alias.js").file == (root / "js" / "app.js").string());
  CHECK(t.get("/missing.js").status == 404);
  CHECK(t.get("/js/").status == 404);
}

TEST_CASE("resolve_static_path refuses every way out of the folder") {
  web_tree t;
  CHECK(t.get("/../secret.txt").status == 403);
  CHECK(t.get("/js/../../secret.txt").status == 403);
  CHECK(t.get("/js/../index.html").status == 403);
  CHECK(t.get("/..").status == 403);
  CHECK(t.get("/./index.html").status == 403);
  // What %2e%2e%2f and %2f decode to arrives here as plain text.
  CHECK(t.get("/js/..%2fsecret.txt").status == 404); // a literal file name
  CHECK(t.get("/..\\secret.txt").status == 403);
  CHECK(t.get(std::string_view{"/index.html\0.js", 15}).status == 403);
  CHECK(t.get("relative.txt").status == 403);
  // Symlinks out: a file and a folder.
  CHECK(t.get("/leak.txt").status == 403);
  CHECK(t.get("/outdir/index.html").status == 403);
  CHECK(t.get("/outdir/").status == 403);
  CHECK(t.get("/outdir").status == 403);
  // A missing root serves nothing.
  CHECK(resolve_static_path((t.base / "none").string(), "/").status == 404);
  CHECK(resolve_static_path("", "/").status == 404);
}

TEST_CASE("content_type_for names the common web types") {
  CHECK(content_type_for("/a/index.html") == "text/html; charset=utf-8");
  CHECK(content_type_for("x.js") == "application/javascript; charset=utf-8");
  CHECK(content_type_for("x.css") == "text/css; charset=utf-8");
  CHECK(content_type_for("x.svg") == "image/svg+xml");
  CHECK(content_type_for("x.woff2") == "font/woff2");
  CHECK(content_type_for("dir.d/noext") == "application/octet-stream");
}

TEST_CASE("read_static_file reads whole files under a size limit") {
  web_tree t;
  auto found = t.get("/js/app.js");
  CHECK(read_static_file(found.file, 1024).body == "app()");
  CHECK(read_static_file(found.file, 3).status == 413);
  CHECK(read_static_file((t.web / "gone").string(), 1024).status == 404);
}

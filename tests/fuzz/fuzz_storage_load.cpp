// Feeds arbitrary bytes to the save engine as its file: it must report or
// load, never crash, and a loaded engine must answer queries and save again.

#include "storage/engine.hpp"
#include "storage/filesystem.hpp"
#include "storage/query.hpp"
#include "storage/save_engine.hpp"
#include "storage/save_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace tributary::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes{reinterpret_cast<const char*>(data), size};
  // The decoder alone, with any GUID.
  auto snap = decode_save_file(bytes, "fuzz");
  memory_filesystem fs;
  engine_options opts;
  opts.directory = "/db";
  opts.host_guid = snap ? snap->host_guid : std::string{"g"};
  opts.fs = &fs;
  fs.files[save_file_path(opts)] = bytes;
  auto db = make_engine(memory_mode::save, opts);
  query_request req;
  req.after = 0;
  req.before = 0;
  req.points = 10;
  for (auto h : db->dimensions()) {
    db->query(h, 0, INT64_MAX);
    run_query(*db, {h}, req, 1700000000);
    db->append(h, sample::of(db->last_time_s(h) + 1, 1));
  }
  db->close();
  return 0;
}

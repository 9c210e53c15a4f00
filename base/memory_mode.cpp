#include "base/memory_mode.hpp"

namespace tributary {

std::string_view to_string(memory_mode x) noexcept {
  switch (x) {
  case memory_mode::dbengine:
    return "dbengine";
  case memory_mode::ram:
    return "ram";
  case memory_mode::save:
    return "save";
  case memory_mode::map:
    return "map";
  case memory_mode::none:
    return "none";
  case memory_mode::alloc:
    return "alloc";
  }
  return "dbengine";
}

std::optional<memory_mode> parse_memory_mode(std::string_view x) noexcept {
  for (auto m : {memory_mode::dbengine, memory_mode::ram, memory_mode::save,
                 memory_mode::map, memory_mode::none, memory_mode::alloc})
    if (x == to_string(m))
      return m;
  return std::nullopt;
}

} // namespace tributary

// Command keywords and the chart/dimension option words (`obsolete`,
// `hidden`, ...) as 1.37.1 spells them.

#include "protocol/commands.hpp"

#include <string>
#include <string_view>

namespace tributary::protocol {

namespace {

bool has_word(const std::string& options, std::string_view word) {
  // The parent does a plain substring search.
  return options.find(word) != std::string::npos;
}

struct keyword_visitor {
  std::string_view operator()(const chart&) {
    return "CHART";
  }
  std::string_view operator()(const clabel&) {
    return "CLABEL";
  }
  std::string_view operator()(const clabel_commit&) {
    return "CLABEL_COMMIT";
  }
  std::string_view operator()(const dimension&) {
    return "DIMENSION";
  }
  std::string_view operator()(const function_def&) {
    return "FUNCTION";
  }
  std::string_view operator()(const variable&) {
    return "VARIABLE";
  }
  std::string_view operator()(const chart_definition_end&) {
    return "CHART_DEFINITION_END";
  }
  std::string_view operator()(const begin&) {
    return "BEGIN";
  }
  std::string_view operator()(const set&) {
    return "SET";
  }
  std::string_view operator()(const end&) {
    return "END";
  }
  std::string_view operator()(const label&) {
    return "LABEL";
  }
  std::string_view operator()(const overwrite&) {
    return "OVERWRITE";
  }
  std::string_view operator()(const claimed_id&) {
    return "CLAIMED_ID";
  }
  std::string_view operator()(const replay_chart&) {
    return "REPLAY_CHART";
  }
  std::string_view operator()(const rbegin&) {
    return "RBEGIN";
  }
  std::string_view operator()(const rset&) {
    return "RSET";
  }
  std::string_view operator()(const rdstate&) {
    return "RDSTATE";
  }
  std::string_view operator()(const rsstate&) {
    return "RSSTATE";
  }
  std::string_view operator()(const rend&) {
    return "REND";
  }
  std::string_view operator()(const function_call&) {
    return "FUNCTION";
  }
  std::string_view operator()(const function_result_begin&) {
    return "FUNCTION_RESULT_BEGIN";
  }
  std::string_view operator()(const function_result_end&) {
    return "FUNCTION_RESULT_END";
  }
  std::string_view operator()(const function_result&) {
    return "FUNCTION_RESULT_BEGIN";
  }
  std::string_view operator()(const flush&) {
    return "FLUSH";
  }
  std::string_view operator()(const disable&) {
    return "DISABLE";
  }
};

} // namespace

bool chart::obsolete() const {
  return has_word(options, "obsolete");
}

bool chart::detail() const {
  return has_word(options, "detail");
}

bool chart::store_first() const {
  return has_word(options, "store_first");
}

bool chart::hidden() const {
  return has_word(options, "hidden");
}

bool dimension::obsolete() const {
  return has_word(options, "obsolete");
}

bool dimension::hidden() const {
  return has_word(options, "hidden");
}

bool dimension::noreset() const {
  return has_word(options, "noreset") || has_word(options, "nooverflow");
}

std::string_view keyword(const command& x) {
  return std::visit(keyword_visitor{}, x);
}

} // namespace tributary::protocol

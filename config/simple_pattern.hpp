#pragma once

#include "base/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// A Netdata "simple pattern" (v1.37.1 semantics, docs/protocol.md "Simple
/// patterns"): words separated by whitespace, `*` matches any run of characters
/// (also empty) anywhere in a word, a leading `!` makes a word negative, a
/// backslash escapes the next character (so a word may contain a space). Words
/// are tried left to right and the first word that matches decides; when no
/// word matches, the result is "no match". An empty subject never matches.
/// Matching is case-sensitive.
class simple_pattern {
public:
  // -- member types -----------------------------------------------------------

  /// The outcome of `evaluate`.
  enum class result {
    /// No word matched.
    no_match,
    /// The first matching word was a positive one.
    matched,
    /// The first matching word was a negative (`!`) one.
    matched_negative,
  };

  // -- constructors -----------------------------------------------------------

  /// An empty pattern: matches nothing.
  simple_pattern() = default;

  /// Compiles `text`. Fails with `ec::bad_pattern` (position = byte offset)
  /// for a `!` with no word after it and for a trailing lone backslash;
  /// Netdata silently drops both, which is never what the operator meant.
  static expected<simple_pattern> compile(std::string_view text);

  // -- observers --------------------------------------------------------------

  /// Evaluates `subject` and tells apart "matched negatively" from "not
  /// matched". 1.37.1 needs the difference for `send charts matching`, where a
  /// chart passes if its id OR its name matches positively.
  result evaluate(std::string_view subject) const;

  /// True if the first word matching `subject` is positive.
  bool matches(std::string_view subject) const {
    return evaluate(subject) == result::matched;
  }

  /// The text this pattern was compiled from.
  const std::string& source() const noexcept {
    return source_;
  }

  /// True if the pattern has no words (an empty or all-blank source).
  bool empty() const noexcept {
    return words_.empty();
  }

  /// Number of words.
  size_t size() const noexcept {
    return words_.size();
  }

  /// Compares the sources.
  friend bool operator==(const simple_pattern& x, const simple_pattern& y) {
    return x.source_ == y.source_;
  }

  friend bool operator!=(const simple_pattern& x, const simple_pattern& y) {
    return !(x == y);
  }

private:
  struct word {
    bool negative = false;
    /// The literal pieces between the stars.
    std::vector<std::string> pieces;
    /// True if the word starts with `*` (no anchored prefix).
    bool star_front = false;
    /// True if the word ends with `*` (no anchored suffix).
    bool star_back = false;
  };

  static bool match_word(const word& w, std::string_view subject);

  std::string source_;
  std::vector<word> words_;
};

} // namespace tributary::config

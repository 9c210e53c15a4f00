#include "base/decimal.hpp"

#include <cstdint>
#include <doctest/doctest.h>

using namespace tributary;

TEST_CASE("parse_decimal: a sign, '+' included, then digits to the end") {
  int64_t i = 0;
  CHECK(parse_decimal("42", i));
  CHECK(i == 42);
  CHECK(parse_decimal("+7", i));
  CHECK(i == 7);
  CHECK(parse_decimal("-9223372036854775808", i));
  CHECK(i == INT64_MIN);
  uint64_t u = 0;
  CHECK(parse_decimal("18446744073709551615", u));
  CHECK(u == UINT64_MAX);
}

TEST_CASE("parse_decimal: refuses empty text, a lone sign, trailing bytes, "
          "overflow and a sign on an unsigned") {
  int64_t i = 0;
  uint64_t u = 0;
  CHECK_FALSE(parse_decimal("", i));
  CHECK_FALSE(parse_decimal("+", i));
  CHECK_FALSE(parse_decimal("12x", i));
  CHECK_FALSE(parse_decimal(" 12", i));
  CHECK_FALSE(parse_decimal("++1", i));
  CHECK_FALSE(parse_decimal("9223372036854775808", i));
  CHECK_FALSE(parse_decimal("-1", u));
  CHECK_FALSE(parse_decimal("0x10", u));
}

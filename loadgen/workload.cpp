// The synthetic workload of `tributary loadgen`: chart definitions and
// collected values, as the exact lines a v1.37.1 child writes. No sockets.
#include "loadgen/loadgen.hpp"
#include "protocol/commands.hpp"

#include <algorithm>
#include <charconv>

namespace tributary::cli::loadgen_detail {

namespace proto = tributary::protocol;

std::string chart_id(int i) {
  return "lg.c" + std::to_string(i);
}

dim_shape shape_of(bool variety, int chart, int dim) noexcept {
  dim_shape s;
  s.algorithm = kind_of(dim) == dim_kind::counter ? "incremental" : "absolute";
  if (!variety)
    return s;
  switch (chart % 4) {
  case 1: {
    static constexpr int64_t mul[] = {1, -1, 8, 1000, 1};
    static constexpr int64_t div[] = {1024, 1, 1000, 3, 1};
    s.multiplier = mul[dim % 5];
    s.divisor = div[dim % 5];
    if (kind_of(dim) == dim_kind::counter)
      s.reset_every = 23;
    if (dim == 1)
      s.gap_every = 7;
    break;
  }
  case 2:
    s.algorithm = "percentage-of-absolute-row";
    break;
  case 3:
    s.algorithm = "percentage-of-incremental-row";
    break;
  default:
    break;
  }
  return s;
}

child_workload::child_workload(int child_index, int charts, int dims,
                               int update_every, uint64_t seed, bool variety)
    : index_(child_index), charts_(charts), dims_(dims),
      update_every_(update_every),
      rng_(seed ^ (0xC0FFEEull * uint64_t(child_index + 1))),
      variety_(variety) {
  collections_.assign(size_t(charts), 0);
  values_.resize(size_t(charts) * size_t(dims));
  for (int c = 0; c < charts; ++c) {
    for (int d = 0; d < dims; ++d) {
      auto& v = values_[size_t(c) * size_t(dims) + size_t(d)];
      switch (kind_of(d)) {
      case dim_kind::counter:
        v = int64_t(rng_.below(1'000'000));
        break;
      case dim_kind::gauge:
        v = int64_t(rng_.below(1001));
        break;
      case dim_kind::constant:
        v = constant_value(child_index, c, d);
        break;
      }
    }
    begin_prefix_.push_back("BEGIN \"" + chart_id(c) + "\" ");
  }
}

void child_workload::definition(int c, bool replication, int64_t now,
                                int64_t history, std::string& out) const {
  proto::chart ch;
  ch.id = chart_id(c);
  ch.title = "loadgen chart " + std::to_string(c);
  ch.units = "events";
  ch.family = "family" + std::to_string(c % 10);
  ch.context = "lg.ctx" + std::to_string(c % 20);
  ch.chart_type = "line";
  ch.priority = 100000 + c;
  ch.update_every = update_every_;
  ch.options = "   ";
  ch.plugin = "loadgen.plugin";
  ch.module = "synthetic";
  proto::write_command(ch, out);
  for (int d = 0; d < dims_; ++d) {
    proto::dimension dim;
    dim.id = "d" + std::to_string(d);
    dim.name = dim.id;
    auto shape = shape_of(variety_, c, d);
    dim.algorithm = shape.algorithm;
    dim.multiplier = shape.multiplier;
    dim.divisor = shape.divisor;
    dim.options = "  ";
    proto::write_command(dim, out);
  }
  if (replication)
    proto::write_command(proto::chart_definition_end{now - history, now, now},
                         out);
}

void child_workload::host_preamble(const std::string& guid, bool claim,
                                   bool hlabels, std::string& out) const {
  if (claim)
    proto::write_command(proto::claimed_id{guid, ""}, out);
  if (hlabels) {
    proto::write_command(proto::label{"_loadgen", 1, "yes"}, out);
    proto::write_command(
        proto::label{"_loadgen_child", 1, std::to_string(index_)}, out);
    proto::write_command(proto::overwrite{}, out);
  }
}

namespace {

inline void append_num(std::string& out, int64_t x) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, res.ptr);
}

inline void append_unum(std::string& out, uint64_t x) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, res.ptr);
}

} // namespace

int child_workload::collect(int c, uint64_t usec, std::string& out) {
  out += begin_prefix_[size_t(c)];
  append_unum(out, usec);
  out += '\n';
  auto* vals = values_.data() + size_t(c) * size_t(dims_);
  auto n = ++collections_[size_t(c)];
  int sent = 0;
  for (int d = 0; d < dims_; ++d) {
    auto& v = vals[d];
    auto shape = shape_of(variety_, c, d);
    switch (kind_of(d)) {
    case dim_kind::counter:
      // A rate of 100..149 per second, plus some noise.
      v += (100 + (c * 7 + d) % 50 + int64_t(rng_.below(10))) * update_every_;
      if (shape.reset_every > 0 && n % uint32_t(shape.reset_every) == 0)
        v = int64_t(rng_.below(100));
      break;
    case dim_kind::gauge:
      v += int64_t(rng_.below(21)) - 10;
      if (v < 0)
        v = 0;
      else if (v > 1000)
        v = 1000;
      break;
    case dim_kind::constant:
      break;
    }
    if (shape.gap_every > 0 && n % uint32_t(shape.gap_every) == 0)
      continue;
    ++sent;
    // SET "dN" = value, exactly as `SET "%s" = %lld`.
    out += "SET \"d";
    append_num(out, d);
    out += "\" = ";
    append_num(out, v);
    out += '\n';
  }
  out += "END\n";
  return sent;
}

void child_workload::replay(int c, int64_t after, int64_t before, int64_t now,
                            std::string& out) {
  auto ue = int64_t{update_every_};
  auto* vals = values_.data() + size_t(c) * size_t(dims_);
  std::vector<int64_t> walk(vals, vals + dims_);
  for (auto t = (after + ue - 1) / ue * ue; t <= before; t += ue) {
    if (t - ue <= 0)
      continue;
    proto::rbegin rb;
    rb.has_times = true;
    rb.point_start = t - ue;
    rb.point_end = t;
    rb.child_now = now;
    proto::write_command(rb, out);
    for (int d = 0; d < dims_; ++d) {
      double v = 0;
      switch (kind_of(d)) {
      case dim_kind::counter: // the rate a parent stores
        v = double(100 + (c * 7 + d) % 50 + int64_t(rng_.below(10)));
        break;
      case dim_kind::gauge:
        walk[size_t(d)] += int64_t(rng_.below(21)) - 10;
        walk[size_t(d)] = std::clamp<int64_t>(walk[size_t(d)], 0, 1000);
        v = double(walk[size_t(d)]);
        break;
      case dim_kind::constant:
        v = double(vals[d]);
        break;
      }
      proto::write_command(
          proto::rset{"d" + std::to_string(d), proto::decimal{v}, ""}, out);
    }
  }
}

} // namespace tributary::cli::loadgen_detail

#include "storage/spool_engine.hpp"

#include <algorithm>

namespace tributary::storage {

spool_engine::spool_engine(std::unique_ptr<engine> inner, spool_options opts)
    : inner_(std::move(inner)), spool_(std::move(opts)) {
  diagnostics_ = inner_->diagnostics();
  for (auto& d : spool_.diagnostics())
    diagnostics_.push_back(d);
}

memory_mode spool_engine::mode() const noexcept {
  return inner_->mode();
}

void spool_engine::define_chart(const std::string& chart_id) {
  auto& hs = chart_dims_[chart_id];
  std::vector<std::string> ids;
  int ue = 1;
  for (auto h : hs)
    if (auto* i = inner_->info(h)) {
      ids.push_back(i->key.dim_id);
      ue = inner_->update_every(h);
    }
  auto number = spool_.define(chart_id, ids, ue);
  for (size_t c = 0; c < hs.size(); ++c) {
    if (hs[c].id >= columns_.size())
      columns_.resize(hs[c].id + 1);
    columns_[hs[c].id] = column{number, static_cast<uint16_t>(c)};
  }
}

dimension_handle spool_engine::add_dimension(const dimension_info& info) {
  auto known = inner_->find(info.key);
  auto old_ue = known.valid() ? inner_->update_every(known) : 0;
  auto h = inner_->add_dimension(info);
  if (!h.valid())
    return h;
  auto& hs = chart_dims_[info.key.chart_id];
  if (std::find(hs.begin(), hs.end(), h) == hs.end()) {
    hs.push_back(h);
    define_chart(info.key.chart_id);
  } else if (old_ue != inner_->update_every(h)) {
    define_chart(info.key.chart_id);
  }
  return h;
}

dimension_handle spool_engine::find(const dimension_key& key) const {
  return inner_->find(key);
}

const dimension_info* spool_engine::info(dimension_handle h) const {
  return inner_->info(h);
}

std::vector<dimension_handle> spool_engine::dimensions() const {
  return inner_->dimensions();
}

bool spool_engine::append(dimension_handle h, const sample& x) {
  return append_row(&h, &x, 1) == 1;
}

size_t spool_engine::append_row(const dimension_handle* hs, const sample* xs,
                                size_t n) {
  auto stored = inner_->append_row(hs, xs, n);
  // A row is one chart's: split only if a caller mixed charts.
  size_t i = 0;
  std::vector<uint16_t> cols;
  std::vector<sample> vals;
  while (i < n) {
    if (!hs[i].valid() || hs[i].id >= columns_.size()) {
      ++i;
      continue;
    }
    auto chart = columns_[hs[i].id].chart;
    auto t = xs[i].time_s;
    cols.clear();
    vals.clear();
    for (; i < n && hs[i].valid() && hs[i].id < columns_.size()
           && columns_[hs[i].id].chart == chart && xs[i].time_s == t;
         ++i) {
      cols.push_back(columns_[hs[i].id].col);
      vals.push_back(xs[i]);
    }
    spool_.append(chart, t, cols.data(), vals.data(), cols.size());
  }
  return std::max(stored, n);
}

std::vector<sample> spool_engine::query(dimension_handle h, int64_t after_s,
                                        int64_t before_s) const {
  auto* i = inner_->info(h);
  if (i == nullptr)
    return {};
  auto inner_first = inner_->first_time_s(h);
  if (inner_first != 0 && inner_first <= after_s)
    return inner_->query(h, after_s, before_s);
  // Slots one per update_every from the first held one, as a ring gives
  // them: the spool where the engine has nothing, the engine after.
  auto ue = static_cast<int64_t>(std::max(1, inner_->update_every(h)));
  auto spooled = spool_.query(
      i->key.chart_id, i->key.dim_id, after_s,
      inner_first != 0 ? std::min(before_s, inner_first - 1) : before_s);
  std::vector<sample> out;
  for (auto& x : spooled) {
    if (!out.empty())
      for (auto t = out.back().time_s + ue; t < x.time_s; t += ue)
        out.push_back(sample::gap(t));
    out.push_back(x);
  }
  if (inner_first != 0) {
    auto rest = inner_->query(h, inner_first, before_s);
    if (!out.empty() && !rest.empty())
      for (auto t = out.back().time_s + ue; t < rest.front().time_s; t += ue)
        out.push_back(sample::gap(t));
    out.insert(out.end(), rest.begin(), rest.end());
  }
  return out;
}

int64_t spool_engine::first_time_s(dimension_handle h) const {
  auto* i = inner_->info(h);
  if (i == nullptr)
    return 0;
  auto a = inner_->first_time_s(h);
  auto b = spool_.first_time_s(i->key.chart_id);
  if (a == 0)
    return b;
  return b != 0 ? std::min(a, b) : a;
}

int64_t spool_engine::last_time_s(dimension_handle h) const {
  auto* i = inner_->info(h);
  if (i == nullptr)
    return 0;
  return std::max(inner_->last_time_s(h), spool_.last_time_s(i->key.chart_id));
}

int spool_engine::update_every(dimension_handle h) const {
  return inner_->update_every(h);
}

error spool_engine::flush() {
  auto err = spool_.flush();
  if (err) {
    last_error_ = err;
    ++failed_writes_;
  }
  auto inner = inner_->flush();
  return err ? err : inner;
}

error spool_engine::close() {
  auto err = spool_.flush();
  auto inner = inner_->close();
  return err ? err : inner;
}

void spool_engine::maintain() {
  inner_->maintain();
  if (auto err = spool_.flush()) {
    last_error_ = err;
    ++failed_writes_;
  }
}

storage_health spool_engine::health() const {
  auto h = inner_->health();
  h.disk_bytes += spool_.disk_bytes();
  h.failed_writes += failed_writes_;
  if (last_error_ && h.last_error.empty())
    h.last_error = last_error_.message;
  return h;
}

} // namespace tributary::storage

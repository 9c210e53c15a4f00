#include "storage/query.hpp"

#include "storage/query_group.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

namespace tributary::storage {

std::string_view to_string(grouping x) noexcept {
  switch (x) {
  case grouping::average:
    return "average";
  case grouping::min:
    return "min";
  case grouping::max:
    return "max";
  case grouping::sum:
    return "sum";
  case grouping::incremental_sum:
    return "incremental_sum";
  case grouping::median:
    return "median";
  case grouping::stddev:
    return "stddev";
  case grouping::cv:
    return "cv";
  case grouping::ses:
    return "ses";
  case grouping::des:
    return "des";
  }
  return "average";
}

grouping parse_grouping(std::string_view x, grouping def) noexcept {
  for (auto g : {grouping::average, grouping::min, grouping::max, grouping::sum,
                 grouping::incremental_sum, grouping::median, grouping::stddev,
                 grouping::cv, grouping::ses, grouping::des})
    if (x == to_string(g))
      return g;
  if (x == "incremental-sum")
    return grouping::incremental_sum;
  return def;
}

} // namespace tributary::storage

// -- window calculation
// ---------------------------------------------------------
//
// The rules are those of Netdata 1.37.1's query engine
// (web/api/queries/query.c: rrdr_relative_window_to_absolute,
// query_target_calculate_window, rrd2rrdr_do_dimension), restated in
// docs/storage.md and re-implemented here for tier 0.

namespace tributary::storage {

using detail::group_state;
using detail::window;

namespace {

int64_t abs64(int64_t x) {
  return x < 0 ? -x : x;
}

bool calculate_window(const query_request& req, int64_t first, int64_t last,
                      int64_t update_every, int64_t now_s, window& w) {
  size_t points_wanted = req.points;
  int64_t after_wanted = req.after;
  int64_t before_wanted = req.before;
  bool automatic_natural_points = points_wanted == 0;
  bool before_is_aligned_to_db_end = false;
  // Rows step by the database's update_every (natural points) only when all
  // points are wanted or the window is relative (0 counts as relative);
  // an absolute window with `points` steps by the second (virtual points),
  // so a chart collected every 5 s answers one row per second, interpolated.
  bool natural_points = automatic_natural_points
                        || abs64(after_wanted) <= api_relative_time_max
                        || abs64(before_wanted) <= api_relative_time_max;
  if (after_wanted == 0 || before_wanted == 0) {
    if (first == 0 || last == 0)
      return false;
    if (after_wanted == 0)
      after_wanted = first;
    if (before_wanted == 0) {
      before_wanted = last;
      before_is_aligned_to_db_end = true;
    }
    if (points_wanted == 0)
      points_wanted = static_cast<size_t>((last - first) / update_every);
  }
  if (points_wanted == 0)
    points_wanted = 600;
  relative_window_to_absolute(after_wanted, before_wanted, now_s);
  int64_t granularity = natural_points && update_every > 0 ? update_every : 1;
  before_wanted -= before_wanted % granularity;
  after_wanted -= after_wanted % granularity;
  if (automatic_natural_points) {
    auto n = (before_wanted - after_wanted + 1) / granularity;
    points_wanted = n <= 0 ? 1 : static_cast<size_t>(n);
  }
  int64_t duration = before_wanted - after_wanted;
  int64_t resampling = req.resampling_time;
  if (resampling > duration) {
    after_wanted = before_wanted - resampling;
    duration = before_wanted - after_wanted;
  }
  if (resampling > granularity && duration % resampling != 0) {
    auto delta = duration % resampling;
    if (delta > resampling / 10) {
      after_wanted -= resampling - delta;
      duration = before_wanted - after_wanted;
    }
  }
  auto available = (duration + 1) / granularity;
  size_t points_available = available <= 0 ? 1 : static_cast<size_t>(available);
  if (points_wanted > points_available)
    points_wanted = points_available;
  if (points_wanted > 86400)
    points_wanted = 86400;
  size_t group = points_available / points_wanted;
  if (group == 0)
    group = 1;
  if (points_available % points_wanted > points_wanted / 2)
    group++;
  if (static_cast<int64_t>(points_wanted * group) * granularity < duration) {
    points_wanted = points_available / group;
    if (points_wanted * group < points_available)
      points_wanted++;
    if (points_wanted == 0)
      points_wanted = 1;
  }
  double resampling_divisor = 1.0;
  size_t resampling_group = 1;
  if (resampling > granularity) {
    resampling_group = static_cast<size_t>(resampling / granularity);
    if (resampling % granularity != 0)
      resampling_group++;
    if (group < resampling_group)
      group = resampling_group;
    if (group % resampling_group != 0)
      group += resampling_group - group % resampling_group;
    resampling_divisor = static_cast<double>(group * granularity)
                         / static_cast<double>(resampling);
  }
  auto step = static_cast<int64_t>(group) * granularity;
  if (req.aligned && before_wanted % step != 0) {
    if (before_is_aligned_to_db_end)
      before_wanted -= before_wanted % step;
    else
      before_wanted += step - before_wanted % step;
  }
  after_wanted = before_wanted - static_cast<int64_t>(points_wanted) * step
                 + granularity;
  w.after = after_wanted;
  w.before = before_wanted;
  w.points = points_wanted;
  w.group = group;
  w.granularity = granularity;
  w.resampling_group = resampling_group;
  w.resampling_divisor = resampling_divisor;
  return true;
}

// -- per dimension
// ----------------------------------------------------------------

struct point {
  int64_t start = 0;
  int64_t end = 0;
  double value = std::nan("");
  uint8_t flags = 0;
};

// Moves `p` to `now` on the line from `last` when they are adjacent.
void interpolate(point& p, const point& last, int64_t now) {
  if (p.end - p.start > 1 && last.end == p.start && std::isfinite(p.value)
      && std::isfinite(last.value)) {
    p.value = last.value
              + (p.value - last.value)
                    * (1.0
                       - static_cast<double>(p.end - now)
                             / static_cast<double>(p.end - p.start));
    p.end = now;
  }
}

point to_point(const sample& x, int64_t ue) {
  point p;
  p.start = x.time_s - ue;
  p.end = x.time_s;
  p.value = x.empty() ? std::nan("") : x.value;
  p.flags = x.empty() ? 0 : x.flags;
  return p;
}

} // namespace

int64_t ring_slot_at(int64_t first_s, int64_t last_s, int64_t update_every,
                     int64_t t) noexcept {
  if (t >= last_s)
    return last_s;
  if (t <= first_s)
    return first_s;
  return last_s - (last_s - t) / update_every * update_every;
}

namespace {

// Netdata's ring (ram, save, map) walks the window from `after` in steps of
// update_every and hands out its slots in order, each labelled with the
// step's time, not its own: a window that does not start on a slot time
// sees an empty first step and every value up to update_every − 1 s late.
// `slots` start at the slot `ring_slot_at(after)`, one per update_every.
std::vector<point> walk_ring(const std::vector<sample>& slots, int64_t ue,
                             int64_t after, int64_t before) {
  std::vector<point> out;
  if (after > before)
    return out;
  int64_t slot_time = slots.empty() ? before + 1 : slots.front().time_s;
  size_t next = 0;
  for (int64_t t = after; t <= before; t += ue) {
    point p;
    if (t >= slot_time && next < slots.size()) {
      p = to_point(slots[next++], ue);
      slot_time += ue;
    }
    p.start = t - ue;
    p.end = t;
    out.push_back(p);
  }
  return out;
}

// Netdata's dbengine starts at the stored point at or before `after` and
// stops after the first one at or after `before`, each at its own time.
// `slots` cover [after − ue + 1, before + ue − 1].
std::vector<point> walk_pages(const std::vector<sample>& slots, int64_t ue,
                              int64_t before) {
  std::vector<point> out;
  for (auto& x : slots) {
    out.push_back(to_point(x, ue));
    if (x.time_s >= before)
      break;
  }
  return out;
}

// The points of `h` on `tier` within the window, as the query reads them.
std::vector<point> fetch(const engine& db, dimension_handle h, size_t tier,
                         const window& w, grouping method) {
  std::vector<point> out;
  auto first = db.tier_first_time_s(h, tier);
  auto last = db.tier_last_time_s(h, tier);
  if (first == 0 || last == 0)
    return out;
  auto after = std::max(first, w.after);
  auto before = std::min(last, w.before);
  if (tier == 0) {
    auto ue = static_cast<int64_t>(db.update_every(h));
    if (ue <= 0)
      ue = 1;
    // 1.37.1's dbengine looks for pages reaching into [after, before]: with
    // after > before it finds none, not even the point before `after`.
    if (db.mode() == memory_mode::dbengine)
      return after > before
                 ? out
                 : walk_pages(db.query(h, after - ue + 1, before + ue - 1), ue,
                              before);
    // 1.37.1's ring says its oldest time is one update_every before its
    // oldest slot (last − entries × ue), and a query starts there: its first
    // step is empty, so the first value is read inside the group it ends in.
    after = std::max(first - ue, w.after);
    return walk_ring(db.query(h, ring_slot_at(first, last, ue, after), before),
                     ue, after, before);
  }
  for (auto& x : db.query_tier(h, tier, after, before)) {
    point p;
    p.start = x.start_s;
    p.end = x.end_s;
    p.flags = x.count == 0 ? 0 : x.flags;
    if (x.count != 0) {
      switch (method) {
      case grouping::min:
        p.value = x.min;
        break;
      case grouping::max:
        p.value = x.max;
        break;
      case grouping::sum:
        p.value = x.sum;
        break;
      default:
        p.value = x.sum / x.count;
      }
    }
    out.push_back(p);
  }
  return out;
}

// 1.37.1's weight of a tier for one dimension (its query plan): the share of
// the window the tier covers, in millionths, scaled down when it holds fewer
// points there than the rows wanted; none when it holds less than one point.
std::optional<int64_t> tier_weight(int64_t first, int64_t last, int64_t ue,
                                   const window& w) {
  if (first == 0 || last == 0 || ue <= 0)
    return std::nullopt;
  auto span = std::min(last, w.before) - std::max(first, w.after);
  auto available = span / ue;
  if (available <= 0)
    return std::nullopt;
  auto coverage = span * 1000000 / (w.before - w.after);
  auto wanted = static_cast<int64_t>(w.points) * coverage / 1000000;
  return available < wanted ? available * coverage / wanted : coverage;
}

constexpr size_t no_tier = SIZE_MAX;

// The tier a dimension is read from, as 1.37.1 plans it per dimension
// (query_plan). Each tier is weighed by tier_weight, ties going to the higher
// tier. Usually tier 0 wins. When it holds less than one point of the window
// (a window just past its newest point), the highest tier of the agent wins
// even with no weight, and the plan adds the lower tiers that reach later
// (first the tier with the earliest start; equal starts, the one added
// later). The plan's first step is read, unless the first row already ends
// past it: then the first later step ending after that row, if any.
size_t dimension_tier(const engine& db, dimension_handle h, size_t tier,
                      const window& w, const query_request& req) {
  if (req.tier >= 0 || tier != 0 || req.agent_tiers < 2 || w.points == 0
      || w.after >= w.before)
    return tier;
  struct span {
    int64_t first = 0;
    int64_t last = 0;
    int64_t ue = 0;
  };
  auto span_of = [&](size_t t) {
    span s;
    if (t >= db.tiers())
      return s; // a ram host has tier 0 only
    s.ue = static_cast<int64_t>(db.tier_update_every(h, t));
    s.first = db.tier_stored_first_time_s(h, t);
    s.last = db.tier_stored_last_time_s(h, t);
    // The ring counts its oldest time one step before its oldest slot.
    if (t == 0 && s.first != 0 && db.mode() != memory_mode::dbengine)
      s.first -= s.ue;
    return s;
  };
  auto valid
      = [](const span& s) { return s.first != 0 && s.last != 0 && s.ue > 0; };
  auto weight = [&](size_t t) -> std::optional<int64_t> {
    auto s = span_of(t);
    if (!valid(s))
      return std::nullopt;
    return tier_weight(s.first, s.last, s.ue, w);
  };
  auto best_weight = weight(0);
  if (best_weight)
    return 0;
  size_t best = 0;
  for (size_t t = 1; t < req.agent_tiers; ++t) {
    auto x = weight(t);
    if (x >= best_weight) { // nullopt is below every weight
      best = t;
      best_weight = x;
    }
  }
  struct step {
    size_t tier;
    int64_t after;
    int64_t before;
  };
  auto top = span_of(best);
  std::vector<step> plan{{best, top.first, top.last}};
  for (size_t t = best; plan.back().before < w.before && t-- > 0;) {
    auto s = span_of(t);
    if (valid(s) && s.last > plan.back().before)
      plan.push_back({t, plan.back().before, std::min(s.last, w.before)});
  }
  std::reverse(plan.begin(), plan.end());
  std::stable_sort(plan.begin(), plan.end(), [](const step& a, const step& b) {
    return a.after < b.after;
  });
  plan.front().after = std::max(plan.front().after, w.after);
  plan.back().before = std::min(plan.back().before, w.before);
  if (!valid(span_of(plan.front().tier)))
    return no_tier;
  auto first_row_end
      = w.after + static_cast<int64_t>(w.group) * w.granularity - w.granularity;
  if (first_row_end >= plan.front().before)
    for (size_t i = 1; i < plan.size(); ++i)
      if (plan[i].before > first_row_end)
        return plan[i].tier;
  return plan.front().tier;
}

void do_dimension(const engine& db, dimension_handle h, size_t tier,
                  const window& w, grouping method, size_t column,
                  query_result& res, bool& first_value) {
  if (tier == no_tier)
    return;
  auto xs = fetch(db, h, tier, w, method);
  if (xs.empty())
    return;
  res.db_points_read += xs.size();
  size_t next = 0;
  auto view = static_cast<int64_t>(w.group) * w.granularity;
  group_state g{method, w};
  bool reset = false;
  auto add = [&](const point& p) {
    if (std::isfinite(p.value)) {
      if ((p.flags & flag_reset) != 0)
        reset = true;
      g.add(p.value);
    }
  };
  point last2, last1, now_point;
  size_t added = 0;
  int64_t now_start = w.after - w.granularity;
  int64_t now_end = w.after + view - w.granularity;
  for (; added < w.points; now_start = now_end, now_end += view) {
    while (true) {
      last2 = last1;
      last1 = now_point;
      if (next >= xs.size()) {
        now_point = point{};
        now_point.start = last1.end;
        now_point.end = now_end;
        break;
      }
      now_point = xs[next++];
      if (now_point.end < now_end) {
        if (now_point.end >= now_start)
          add(now_point);
        continue;
      }
      break;
    }
    size_t iterations = 0;
    for (; now_end <= now_point.end && added < w.points;
         now_end += view, ++iterations) {
      point current;
      if (now_end > now_point.start) {
        current = now_point;
        interpolate(current, last1, now_end);
      } else if (now_end <= last1.end) {
        current = last1;
        interpolate(current, last2, now_end);
      }
      add(current);
      auto r = added;
      if (res.times.size() <= r) {
        res.times.push_back(now_end);
        res.values.resize(res.times.size() * res.dimensions);
        res.reset.resize(res.times.size() * res.dimensions);
      }
      auto v = g.flush(w);
      res.values[r * res.dimensions + column] = v;
      res.reset[r * res.dimensions + column] = reset;
      reset = false;
      if (v) {
        if (first_value) {
          res.min = res.max = *v;
          first_value = false;
        } else {
          res.min = std::min(res.min, *v);
          res.max = std::max(res.max, *v);
        }
      }
      ++added;
    }
    if (iterations != 0)
      now_end -= view;
  }
}

} // namespace

void relative_window_to_absolute(int64_t& after, int64_t& before,
                                 int64_t now_s) noexcept {
  int64_t now = now_s - 1;
  int64_t b = before;
  int64_t a = after;
  if (abs64(b) <= api_relative_time_max) {
    if (b > 0)
      b = -b;
    b = now + b;
  }
  if (abs64(a) <= api_relative_time_max) {
    if (a > 0)
      a = -a;
    if (a == 0)
      a = -600;
    // Relative windows are inclusive: after=-5 gives 5 points, not 6.
    a = b + a + 1;
  }
  if (a > b)
    std::swap(a, b);
  if (b > now) {
    auto delta = b - now;
    b -= delta;
    a -= delta;
  }
  int64_t min_t = now - 10LL * 365 * 86400;
  int64_t max_t = now + 365LL * 86400;
  a = std::clamp(a, min_t, max_t);
  b = std::clamp(b, min_t, max_t);
  after = a;
  before = b;
}

namespace {

// Netdata picks the tier from the seconds per row the window asks for.
size_t pick_tier(const engine& db, const std::vector<dimension_handle>& dims,
                 const query_request& req, int64_t first, int64_t last,
                 int64_t now_s) {
  auto tiers = db.tiers();
  if (req.tier >= 0)
    return std::min(static_cast<size_t>(req.tier), tiers - 1);
  if (tiers <= 1 || req.points == 0)
    return 0;
  int64_t after = req.after == 0 ? first : req.after;
  int64_t before = req.before == 0 ? last : req.before;
  relative_window_to_absolute(after, before, now_s);
  // A tier serves when it holds as many points over the window as rows are
  // wanted, counted as 1.37.1 weighs a tier that covers the window: whole
  // update_everys in before − after (so 2 rows over [E − 119, E] do not
  // read tier 1: it holds one point there, and 1.37.1 reads tier 0).
  for (size_t tier = tiers; tier-- > 1;) {
    int64_t ue = 0;
    for (auto h : dims) {
      auto u = static_cast<int64_t>(db.tier_update_every(h, tier));
      if (u > 0 && (ue == 0 || u < ue))
        ue = u;
    }
    if (ue > 0 && (before - after) / ue >= static_cast<int64_t>(req.points))
      return tier;
  }
  return 0;
}

} // namespace

query_result run_query(const engine& db,
                       const std::vector<dimension_handle>& dims,
                       const query_request& req, int64_t now_s) {
  query_result res;
  res.dimensions = dims.size();
  for (auto h : dims) {
    for (size_t tier = 0; tier < db.tiers(); ++tier) {
      auto f = db.tier_first_time_s(h, tier);
      if (f != 0 && (res.first_entry == 0 || f < res.first_entry))
        res.first_entry = f;
    }
    auto l = db.last_time_s(h);
    if (l > res.last_entry)
      res.last_entry = l;
  }
  auto tier = dims.empty() ? 0
                           : pick_tier(db, dims, req, res.first_entry,
                                       res.last_entry, now_s);
  res.tier = tier;
  int64_t ue = 0;
  for (auto h : dims) {
    auto u = static_cast<int64_t>(db.tier_update_every(h, tier));
    if (u > 0 && (ue == 0 || u < ue))
      ue = u;
  }
  if (ue == 0)
    ue = 1;
  res.update_every = static_cast<int>(ue);
  window w;
  if (dims.empty()
      || !calculate_window(req, res.first_entry, res.last_entry, ue, now_s, w))
    return res;
  auto view = static_cast<int64_t>(w.group) * w.granularity;
  res.view_update_every = static_cast<int>(view);
  // Every row exists even if no dimension has data there.
  for (size_t r = 0; r < w.points; ++r)
    res.times.push_back(w.after + view - w.granularity
                        + static_cast<int64_t>(r) * view);
  res.values.resize(res.times.size() * res.dimensions);
  res.reset.resize(res.times.size() * res.dimensions);
  bool first_value = true;
  for (size_t d = 0; d < dims.size(); ++d)
    do_dimension(db, dims[d], dimension_tier(db, dims[d], tier, w, req), w,
                 req.group, d, res, first_value);
  if (!res.times.empty()) {
    res.before = res.times.back();
    res.after = res.times.front() - view + w.granularity;
  }
  return res;
}

} // namespace tributary::storage

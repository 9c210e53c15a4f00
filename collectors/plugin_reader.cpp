#include "collectors/plugin_reader.hpp"

#include <type_traits>
#include <utility>

namespace tributary {

plugin_reader::plugin_reader(std::string plugin_name, int64_t update_every)
    : plugin_name_(std::move(plugin_name)),
      update_every_(update_every > 0 ? update_every : 1),
      reader_(protocol::direction::to_parent) {
  // nop
}

const chart_def* plugin_reader::find(const std::string& chart_id) const {
  auto i = charts_.find(chart_id);
  return i == charts_.end() ? nullptr : &i->second.def;
}

void plugin_reader::fail(error err, std::vector<plugin_event>& out) {
  if (err.position == error::npos)
    err.position = lines_.line_number();
  stopped_ = true;
  collecting_ = nullptr;
  out.emplace_back(std::move(err));
}

void plugin_reader::flush_definition(std::vector<plugin_event>& out) {
  if (pending_def_ == nullptr)
    return;
  out.emplace_back(pending_def_->def);
  pending_def_ = nullptr;
}

void plugin_reader::feed(std::string_view bytes, uint64_t now_usec,
                         std::vector<plugin_event>& out) {
  if (stopped_)
    return;
  lines_.feed(bytes);
  std::string_view line;
  while (!stopped_ && lines_.next(line)) {
    protocol::command cmd;
    error err;
    switch (reader_.consume(line, cmd, err)) {
    case protocol::command_reader::status::ready:
      handle(cmd, now_usec, out);
      break;
    case protocol::command_reader::status::more:
      break;
    case protocol::command_reader::status::failed:
      flush_definition(out);
      err.position = lines_.line_number();
      fail(std::move(err), out);
      break;
    }
  }
  if (!stopped_ && lines_.err()) {
    flush_definition(out);
    fail(lines_.err(), out);
  }
}

void plugin_reader::finish(std::vector<plugin_event>& out) {
  if (stopped_)
    return;
  flush_definition(out);
  if (auto err = lines_.finish())
    fail(std::move(err), out);
}

void plugin_reader::handle(const protocol::command& cmd, uint64_t now_usec,
                           std::vector<plugin_event>& out) {
  using namespace protocol;
  // A definition ends at the first command that is not part of it.
  if (!std::holds_alternative<dimension>(cmd)
      && !std::holds_alternative<clabel>(cmd)
      && !std::holds_alternative<clabel_commit>(cmd))
    flush_definition(out);
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, chart>) {
          if (x.id.empty() || x.id.find('.') == std::string::npos
              || x.id.front() == '.' || x.id.back() == '.') {
            fail(error{ec::bad_parameters,
                       "requested a CHART, without a type.id"},
                 out);
            return;
          }
          auto& e = charts_[x.id];
          auto& d = e.def;
          d.id = x.id;
          d.name = x.name;
          d.title = x.title;
          d.units = x.units;
          d.family = x.family;
          d.context = x.context;
          d.chart_type = x.chart_type.empty() ? "line" : x.chart_type;
          d.priority = x.priority;
          d.update_every = x.update_every > 0 ? x.update_every : update_every_;
          d.options = x.options;
          d.plugin = x.plugin.empty() ? plugin_name_ : x.plugin;
          d.module = x.module;
          current_ = &e;
          pending_def_ = &e;
          pending_labels_.clear();
        } else if constexpr (std::is_same_v<T, dimension>) {
          if (current_ == nullptr) {
            fail(error{ec::unknown_reference,
                       "got a DIMENSION, without a CHART"},
                 out);
            return;
          }
          auto& e = *current_;
          auto d = dimension_def_from(x);
          auto i = e.dim_index.find(x.id);
          if (i == e.dim_index.end()) {
            e.dim_index.emplace(x.id, e.def.dimensions.size());
            e.def.dimensions.push_back(std::move(d));
          } else {
            e.def.dimensions[i->second] = std::move(d);
          }
          pending_def_ = &e;
        } else if constexpr (std::is_same_v<T, clabel>) {
          pending_labels_.emplace_back(x.name, x.value);
        } else if constexpr (std::is_same_v<T, clabel_commit>) {
          // Netdata ignores a CLABEL_COMMIT without a chart.
          auto* target = collecting_ != nullptr ? collecting_ : current_;
          if (target != nullptr) {
            auto& labels = target->def.labels;
            for (auto& kv : pending_labels_) {
              bool replaced = false;
              for (auto& old : labels) {
                if (old.first == kv.first) {
                  old.second = kv.second;
                  replaced = true;
                }
              }
              if (!replaced)
                labels.push_back(kv);
            }
            if (pending_def_ != target)
              out.emplace_back(target->def);
          }
          pending_labels_.clear();
        } else if constexpr (std::is_same_v<T, begin>) {
          auto i = charts_.find(x.chart_id);
          if (i == charts_.end()) {
            fail(error{ec::unknown_reference,
                       "'chart:" + x.chart_id
                           + "' got a BEGIN but chart does not exist"},
                 out);
            return;
          }
          collecting_ = &i->second;
          current_ = &i->second;
          row_ = chart_row{};
          row_.chart_id = x.chart_id;
          row_.microseconds = x.microseconds.value_or(0);
          auto n = collecting_->def.dimensions.size();
          row_.values.assign(n, 0);
          row_.is_set.assign(n, 0);
        } else if constexpr (std::is_same_v<T, set>) {
          if (collecting_ == nullptr) {
            fail(error{ec::unknown_reference,
                       "command SET requires a chart defined via command "
                       "BEGIN, but is not set"},
                 out);
            return;
          }
          auto i = collecting_->dim_index.find(x.dimension_id);
          if (i == collecting_->dim_index.end()) {
            fail(error{ec::unknown_reference,
                       "'chart:" + collecting_->def.id
                           + "/dim:" + x.dimension_id
                           + "' got a SET but dimension does not exist"},
                 out);
            return;
          }
          if (x.value && i->second < row_.values.size()) {
            row_.values[i->second] = *x.value;
            row_.is_set[i->second] = 1;
          }
        } else if constexpr (std::is_same_v<T, end>) {
          if (collecting_ == nullptr) {
            fail(error{ec::unknown_reference,
                       "command END requires a chart defined via command "
                       "BEGIN, but is not set"},
                 out);
            return;
          }
          row_.now_usec = now_usec;
          out.emplace_back(std::move(row_));
          row_ = chart_row{};
          collecting_ = nullptr;
        } else if constexpr (std::is_same_v<T, variable>) {
          if (!x.value)
            return; // Netdata logs and ignores an empty value
          plugin_variable v;
          v.scope = x.scope;
          v.name = x.name;
          v.value = x.value->value;
          bool host_scope = x.scope == variable_scope::host
                            || x.scope == variable_scope::global;
          if (!host_scope && current_ != nullptr)
            v.chart_id = current_->def.id;
          if ((x.scope == variable_scope::chart
               || x.scope == variable_scope::local)
              && current_ == nullptr) {
            fail(error{ec::unknown_reference, "cannot update CHART VARIABLE '"
                                                  + x.name
                                                  + "' without a chart"},
                 out);
            return;
          }
          out.emplace_back(std::move(v));
        } else if constexpr (std::is_same_v<T, flush>) {
          collecting_ = nullptr;
          current_ = nullptr;
          row_ = chart_row{};
          out.emplace_back(plugin_flush{});
        } else if constexpr (std::is_same_v<T, disable>) {
          collecting_ = nullptr;
          disabled_ = true;
          stopped_ = true;
          out.emplace_back(plugin_disable{});
        } else {
          // FUNCTION, LABEL, OVERWRITE and streaming-only commands: accepted,
          // nothing to yield.
        }
      },
      cmd);
}

} // namespace tributary

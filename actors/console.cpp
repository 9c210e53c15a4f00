#include "actors/console.hpp"

#include "actors/status_gather.hpp"

#include <caf/all.hpp>
#include <memory>

namespace tributary {

namespace {

using console_ptr = console_actor::stateful_pointer<console_state>;

/// The most chart actors one drill-down asks (a parent's host can have tens
/// of thousands).
constexpr int64_t drill_down_limit = 1000;

/// `all` is null when the registry did not answer: the last walk stays.
void walked(console_ptr self, std::vector<actor_status>* all) {
  auto& st = self->state;
  st.walking = false;
  if (all != nullptr)
    st.model.add(std::move(*all), st.ctx.now_usec());
  auto waiting = std::move(st.after_walk);
  st.after_walk.clear();
  for (auto& f : waiting)
    f();
}

/// The registry's walk, then each listener's (itself and its connections).
void walk(console_ptr self) {
  auto& st = self->state;
  if (st.walking)
    return;
  st.walking = true;
  auto registry_id = st.ctx.registry->id();
  self->request(st.ctx.registry, std::chrono::seconds(5), atom::get::value,
                atom::status::value)
      .then(
          [=](std::vector<actor_status>& all) {
            status_gather gather(
                std::move(all), std::chrono::seconds(5),
                [self](std::vector<actor_status>& out) { walked(self, &out); });
            for (auto& l : self->state.listeners)
              gather.ask_list(self, l, [registry_id](actor_status& s) {
                if (s.kind == "listener")
                  s.parent = registry_id;
              });
            gather.close();
          },
          [=](caf::error&) { walked(self, nullptr); });
}

/// Someone looks: keep walking every second for `console_watch_s` more.
void watched(console_ptr self) {
  auto& st = self->state;
  st.last_asked_usec = st.ctx.now_usec();
  if (st.ticking)
    return;
  st.ticking = true;
  self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
}

} // namespace

console_actor::behavior_type
console_sampler(console_actor::stateful_pointer<console_state> self,
                daemon_context ctx) {
  self->state.ctx = std::move(ctx);
  // Idle until the first console request: nobody looks yet.
  return {
      [=](atom::timeout) {
        auto& st = self->state;
        auto quiet_usec = st.ctx.now_usec() - st.last_asked_usec;
        if (quiet_usec > static_cast<uint64_t>(console_watch_s) * 1000000) {
          st.ticking = false;
          return;
        }
        walk(self);
        self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
      },
      [=](atom::listen, listener_actor listener) {
        self->state.listeners.push_back(std::move(listener));
      },
      [=](atom::get, const std::string& what,
          int64_t after) -> caf::result<std::string> {
        if (what != "actors" && what != "streams" && what != "series")
          return caf::make_error(ec::not_found, "console " + what);
        auto& st = self->state;
        bool was_idle = !st.ticking;
        watched(self);
        auto render = [=] {
          auto& m = self->state.model;
          if (what == "actors")
            return m.render_actors();
          if (what == "streams")
            return m.render_streams();
          return m.render_series(after);
        };
        if (!was_idle && !st.model.empty())
          return render();
        // Back from idle: answer with a fresh walk, not a stale one.
        auto rp = self->make_response_promise<std::string>();
        st.after_walk.emplace_back(
            [rp, render]() mutable { rp.deliver(render()); });
        walk(self);
        return rp;
      },
      [=](atom::get, atom::charts,
          const std::string& host) -> caf::result<std::string> {
        watched(self);
        auto rp = self->make_response_promise<std::string>();
        self->request(self->state.ctx.registry, std::chrono::seconds(5),
                      atom::get::value, host)
            .then(
                [=](host_actor& h) mutable {
                  self->request(h, std::chrono::seconds(5), atom::status::value,
                                atom::charts::value, drill_down_limit)
                      .then(
                          [=](std::vector<actor_status>& charts) mutable {
                            auto& st = self->state;
                            rp.deliver(st.model.render_charts(
                                host, std::move(charts), drill_down_limit,
                                st.ctx.now_usec()));
                          },
                          [=](caf::error& err) mutable { rp.deliver(err); });
                },
                [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
  };
}

} // namespace tributary

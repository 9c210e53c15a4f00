#include "actors/console.hpp"

#include <caf/all.hpp>

namespace tributary {

namespace {

using console_ptr = console_actor::stateful_pointer<console_state>;

void walk(console_ptr self) {
  auto& st = self->state;
  if (st.walking)
    return;
  st.walking = true;
  self->request(st.ctx.registry, std::chrono::seconds(5), atom::get::value,
                atom::status::value)
      .then(
          [=](std::vector<actor_status>& all) {
            auto& st = self->state;
            st.walking = false;
            st.model.add(std::move(all), st.ctx.now_usec());
          },
          [=](caf::error&) { self->state.walking = false; });
}

} // namespace

console_actor::behavior_type
console_sampler(console_actor::stateful_pointer<console_state> self,
                daemon_context ctx) {
  self->state.ctx = std::move(ctx);
  walk(self);
  self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
  return {
      [=](atom::timeout) {
        walk(self);
        self->delayed_send(self, std::chrono::seconds(1), atom::timeout::value);
      },
      [=](atom::get, const std::string& what,
          int64_t after) -> caf::result<std::string> {
        auto& m = self->state.model;
        if (what == "actors")
          return m.render_actors();
        if (what == "streams")
          return m.render_streams();
        if (what == "series")
          return m.render_series(after);
        return caf::make_error(ec::not_found, "console " + what);
      },
  };
}

} // namespace tributary

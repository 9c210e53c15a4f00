#include "actors/connector.hpp"

#include "net/connect.hpp"

#include <caf/all.hpp>

namespace tributary {

connector_actor::behavior_type
connector(connector_actor::pointer self,
          const std::vector<config::destination>& dests,
          const std::vector<int64_t>& postponed_until, int64_t now,
          const std::string& default_port, int64_t timeout_s,
          const std::string& who, const daemon_context& ctx) {
  return {
      [=](atom::get) -> caf::result<int, uint64_t> {
        for (size_t i = 0; i < dests.size(); ++i) {
          auto& d = dests[i];
          if (postponed_until[i] > now) {
            TRIBUTARY_INFO(*ctx.log, who, "skipping destination '",
                           d.to_string(), "' (default port: ", default_port,
                           ") due to last error, will retry it in ",
                           postponed_until[i] - now, " seconds");
            continue;
          }
          TRIBUTARY_INFO(*ctx.log, who, "attempting to connect to '",
                         d.to_string(), "' (default port: ", default_port,
                         ")...");
          auto fd = connect_destination(d, default_port,
                                        std::chrono::seconds(timeout_s));
          if (fd) {
            self->quit();
            return {*fd, static_cast<uint64_t>(i)};
          }
          TRIBUTARY_ERROR(*ctx.log, who, "Failed to connect to '",
                          d.to_string(), "': ", fd.err().message);
        }
        self->quit();
        return caf::make_error(
            ec::io_error, "could not connect to parent node at this time.");
      },
  };
}

} // namespace tributary

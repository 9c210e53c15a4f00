#pragma once

#include "actors/actors.hpp"

#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace tributary {

/// Gathers the status answers of many actors into one list for the
/// console's walk. A busy actor (no answer within the timeout) is left out
/// rather than stalling the whole answer. The gather stays open until
/// `close()`, so asks made from inside an answer (a host's health helpers)
/// are waited for too; `finish` runs once, after the last answer.
class status_gather {
public:
  using list = std::vector<actor_status>;
  using finish_fn = std::function<void(list&)>;
  using edit_fn = std::function<void(actor_status&)>;

  status_gather(list first, caf::timespan timeout, finish_fn finish)
      : st_(std::make_shared<shared>()) {
    st_->out = std::move(first);
    st_->timeout = timeout;
    st_->finish = std::move(finish);
  }

  /// Delivers the list to `rp` when done.
  static finish_fn deliver_to(caf::typed_response_promise<list> rp) {
    return [rp](list& out) mutable { rp.deliver(std::move(out)); };
  }

  /// Asks `who` for its status (`atom::status`); the answer is tagged with
  /// `who`'s id and `parent`, then `edit` adds what the asker knows.
  template <class Self, class Handle>
  void ask(Self* self, const Handle& who, uint64_t parent,
           const edit_fn& edit = {}) const {
    auto st = st_;
    ++st->pending;
    auto id = who->id();
    self->request(who, st->timeout, atom::status::value)
        .then(
            [st, id, parent, edit](actor_status& s) {
              s.id = id;
              s.parent = parent;
              if (edit)
                edit(s);
              st->out.push_back(std::move(s));
              st->done();
            },
            [st](caf::error&) { st->done(); });
  }

  /// Asks `who` for a list (`atom::get, atom::status`: a listener and its
  /// connections); `edit` sees each entry.
  template <class Self, class Handle>
  void ask_list(Self* self, const Handle& who, const edit_fn& edit = {}) const {
    auto st = st_;
    ++st->pending;
    self->request(who, st->timeout, atom::get::value, atom::status::value)
        .then(
            [st, edit](list& part) {
              for (auto& s : part) {
                if (edit)
                  edit(s);
                st->out.push_back(std::move(s));
              }
              st->done();
            },
            [st](caf::error&) { st->done(); });
  }

  /// Keeps the gather open for an answer that is not a status (a list of
  /// actors still to ask); `release()` when that answer was handled.
  void hold() const {
    ++st_->pending;
  }
  void release() const {
    st_->done();
  }

  /// The asker has asked everything it knows of now.
  void close() const {
    st_->done();
  }

private:
  struct shared {
    list out;
    caf::timespan timeout{};
    finish_fn finish;
    size_t pending = 1; // the asker's own, until close()

    void done() {
      if (--pending == 0 && finish)
        finish(out);
    }
  };
  std::shared_ptr<shared> st_;
};

} // namespace tributary

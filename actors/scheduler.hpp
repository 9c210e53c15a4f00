#pragma once

// The daemon's scheduler: CAF 0.17.6's work stealing coordinator and policy
// with a worker loop of our own.
//
// Why: Debian's libcaf is built with its logger compiled in (log level
// quiet), and CAF's worker loop tags every job it resumes with the actor's
// id for that logger: a `dynamic_cast<abstract_actor*>` across the actor's
// whole class hierarchy (~1,100 instructions) plus two lookups in the
// logger's thread map, and `scheduled_actor::resume` does two more. That
// was ~16 % of a streaming parent's instructions (callgrind, 20 children;
// BENCHMARKS.md), for log lines that are never written. This worker runs
// the same loop without the tag and without the thread's logger (so resume
// skips its lookups too). Everything else (queues, stealing, sleeping, the
// `work-stealing.*` settings, shutdown) is CAF's.

#include <caf/actor_system.hpp>
#include <caf/config.hpp>
#include <caf/execution_unit.hpp>
#include <caf/logger.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <caf/scheduler/worker.hpp>
#include <cstddef>
#include <thread>

// The worker below mirrors CAF 0.17's `worker<Policy>` interface, which its
// coordinator and policies call: check it again before moving to another CAF.
static_assert(CAF_VERSION / 100 == 17, "actors/scheduler.hpp is for CAF 0.17");

namespace tributary {

/// CAF's work stealing policy; a type of its own selects the worker below.
struct work_stealing : caf::policy::work_stealing {};

} // namespace tributary

namespace caf::scheduler {

/// CAF's `worker<Policy>` without the logger's per-job bookkeeping.
template <>
class worker<tributary::work_stealing> : public execution_unit {
public:
  using job_ptr = resumable*;
  using coordinator_ptr = coordinator<tributary::work_stealing>*;
  using policy_data = tributary::work_stealing::worker_data;

  worker(size_t worker_id, coordinator_ptr worker_parent,
         const policy_data& init, size_t throughput)
      : execution_unit(&worker_parent->system()), max_throughput_(throughput),
        id_(worker_id), parent_(worker_parent), data_(init) {
    // nop
  }

  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  void start() {
    this_thread_ = std::thread{[this] {
      // No logger on this thread: nothing is logged at quiet, and without
      // one CAF skips its per-resume bookkeeping.
      caf::logger::set_current_actor_system(nullptr);
      detail::set_thread_name("caf.worker");
      system().thread_started();
      run();
      system().thread_terminates();
    }};
  }

  void external_enqueue(job_ptr job) {
    policy_.external_enqueue(this, job);
  }

  void exec_later(job_ptr job) override {
    policy_.internal_enqueue(this, job);
  }

  coordinator_ptr parent() {
    return parent_;
  }

  size_t id() const {
    return id_;
  }

  std::thread& get_thread() {
    return this_thread_;
  }

  policy_data& data() {
    return data_;
  }

  size_t max_throughput() {
    return max_throughput_;
  }

private:
  void run() {
    for (;;) {
      auto job = policy_.dequeue(this);
      policy_.before_resume(this, job);
      auto res = job->resume(this, max_throughput_);
      policy_.after_resume(this, job);
      switch (res) {
      case resumable::resume_later:
        policy_.resume_job_later(this, job);
        break;
      case resumable::done:
        policy_.after_completion(this, job);
        intrusive_ptr_release(job);
        break;
      case resumable::awaiting_message:
        intrusive_ptr_release(job);
        break;
      case resumable::shutdown_execution_unit:
        policy_.after_completion(this, job);
        policy_.before_shutdown(this);
        return;
      }
    }
  }

  size_t max_throughput_;
  std::thread this_thread_;
  size_t id_;
  coordinator_ptr parent_;
  policy_data data_;
  tributary::work_stealing policy_;
};

} // namespace caf::scheduler

namespace tributary {

/// Load with `cfg.load<scheduler>()`: it replaces CAF's default scheduler.
using scheduler = caf::scheduler::coordinator<work_stealing>;

} // namespace tributary

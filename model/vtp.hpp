// The production thread pool: the one header a user of the library includes.
//
// It instantiates the pool of model/threadpool.hpp on std_platform (POSIX
// threads) and names the types in namespace vtp::prod:
//
//   vtp::prod::pool          a thread pool (threadpool_get / threadpool_put)
//   vtp::prod::pool_percpu   a per-CPU collection of pools
//   vtp::prod::job           a job; embed it in your own record
//   vtp::prod::mutex         the interlock type for jobs
//   vtp::prod::registry      the shared-pool registry; registry::process_default()
//                            is the one the get and put functions use by default
//
// A job function receives the job; it finds its own record either by putting
// the job first in a standard-layout record, or with offsetof:
//
//   struct work {
//       vtp::prod::job job;
//       vtp::prod::mutex lock{vtp::mutex_kind::adaptive, "work"};
//       int count = 0;
//   };
//
//   void run(vtp::prod::job* job) {
//       work* const w = reinterpret_cast<work*>(job);  // job is the first member
//       w->lock.lock();
//       w->count++;
//       vtp::threadpool_job_done(job);
//       w->lock.unlock();
//   }
#pragma once

#include "model/std_platform.hpp"
#include "model/threadpool.hpp"

namespace vtp {

namespace prod {
using platform = std_platform;
using pool = threadpool<std_platform>;
using pool_percpu = threadpool_percpu<std_platform>;
using job = threadpool_job<std_platform>;
using mutex = std_platform::mutex;
using registry = threadpool_registry<std_platform>;
}  // namespace prod

// The lists' heads are plain values in production, like every guarded field.
static_assert(sizeof(std_platform::shared<tailq_head<prod::job>>) == sizeof(tailq_head<prod::job>));
static_assert(sizeof(std_platform::shared<tailq_link<prod::job>>) == sizeof(tailq_link<prod::job>));

}  // namespace vtp

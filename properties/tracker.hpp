// Tracker: what the probes say about pools and jobs, kept per execution.
//
// Properties compare the pool's own state (read through the inspection
// helpers below) with this independent account built from events only.
// The tracker sees every annotation after the properties, so a property
// reacting to an event sees the account as it was before that event.
//
// Types defined here:
//   PoolRecord  one pool's life: overseer, spawns, worker exits, destroy
//   JobRecord   one job's life: schedules, runs, cancels, destroy
//   Tracker     the observer that keeps both tables
//   Property    base class of every property: a named observer
//
// Job states, as the tracker counts them:
//
//   pending   a schedule took a reference and no run or cancel consumed it
//   running   thread__job fired and job__done has not yet
//   destroyed job__destroy fired and no job__init since
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checker/engine/execution.hpp"
#include "properties/context.hpp"

namespace properties {

struct PoolRecord {
    const pool_t* pool = nullptr;
    int number = 0;          // 1 for the first pool created in the execution, and so on
    bool overseer_alive = true;
    int spawns = 0;          // overseer__spawn: a reference taken for a new worker
    int spawn_failures = 0;  // overseer__spawn__failure: that reference given back
    int worker_exits = 0;    // thread__exit
    bool destroying = false; // destroy fired
    bool destroyed = false;  // destroy__done fired
    int destroy_step = -1;
};

struct JobRecord {
    const job_t* job = nullptr;
    int number = 0;                 // 1 for the first threadpool_job_init, and so on
    int pending = 0;                // schedules not yet consumed by a run or a cancel
    checker::ThreadId running = -1; // the thread running it, or -1
    int runs = 0;
    int dones = 0;
    int coalesced = 0;              // schedule__job__running
    bool must_complete = false;     // an async cancel returned false
    bool destroyed = false;
    int destroy_step = -1;
};

// Records by the address of what they describe, in address order like a
// std::map.  An execution has a handful of pools and jobs, and properties
// walk all of them at every step, so a sorted vector is cheaper than a tree.
template <class Record>
class AddressTable {
public:
    using Entry = std::pair<const void*, Record>;

    Record* find(const void* key) {
        auto it = lower_bound(key);
        return it != entries_.end() && it->first == key ? &it->second : nullptr;
    }
    const Record* find(const void* key) const { return const_cast<AddressTable*>(this)->find(key); }
    // Returns the record of key, added value-initialised if missing.
    Record& operator[](const void* key) {
        auto it = lower_bound(key);
        if (it == entries_.end() || it->first != key)
            it = entries_.insert(it, Entry{key, Record{}});
        return it->second;
    }
    auto begin() const { return entries_.begin(); }
    auto end() const { return entries_.end(); }
    std::size_t size() const { return entries_.size(); }

private:
    typename std::vector<Entry>::iterator lower_bound(const void* key) {
        return std::lower_bound(entries_.begin(), entries_.end(), key,
                                [](const Entry& entry, const void* wanted) {
                                    return std::less<const void*>()(entry.first, wanted);
                                });
    }

    std::vector<Entry> entries_;
};

class Tracker : public checker::Observer {
public:
    explicit Tracker(std::shared_ptr<RunContext> run) : run_(std::move(run)) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override;

    const AddressTable<PoolRecord>& pools() const { return pools_; }
    const AddressTable<JobRecord>& jobs() const { return jobs_; }
    PoolRecord* pool(const void* pool);
    JobRecord* job(const void* job);
    // Return names for messages that stay the same from run to run, unlike
    // addresses.  "pool 2" is the second pool created in the execution, and
    // "job 1" the first job initialised.
    std::string pool_name(const void* pool) const;
    std::string job_name(const void* job) const;
    // Returns the name of a worker or overseer record's model thread.
    static std::string thread_name(const checker::Execution& execution,
                                   const vtp::threadpool_thread<P>* thread);
    RunContext& run() { return *run_; }

private:
    std::shared_ptr<RunContext> run_;
    AddressTable<PoolRecord> pools_;
    AddressTable<JobRecord> jobs_;
    int pools_created_ = 0;
    int jobs_initialised_ = 0;
};

// The probe arguments of an annotation from the pool.
inline const vtp::probe_args& args_of(const checker::Annotation& event) {
    return *static_cast<const vtp::probe_args*>(event.payload);
}
inline vtp::probe_id probe_of(const checker::Annotation& event) {
    return static_cast<vtp::probe_id>(event.code);
}

class Property : public checker::Observer {
public:
    Property(std::string name, Tracker& tracker) : tracker_(tracker), name_(std::move(name)) {}
    const std::string& name() const { return name_; }

protected:
    // Reports a violation of this property; from inside a thread it does not
    // return.
    void violated(checker::Execution& execution, std::string message,
                  std::vector<checker::ThreadId> threads = {}, checker::SourceLoc loc = {});

    Tracker& tracker_;

private:
    std::string name_;
};

// Facts about pool state, read without recording accesses.  Properties
// observe between steps without taking the pool's locks, so the lock
// analysis is off for these readers.
struct Inspect {
    static bool lock_free(const checker::Execution& execution, const P::mutex& mutex)
        VTP_NO_THREAD_SAFETY_ANALYSIS {
        return execution.mutex_owner(mutex.id()) < 0;
    }
    // Fills threads with the idle list, reusing its capacity.
    static void idle(const pool_t& pool, std::vector<const vtp::threadpool_thread<P>*>& threads);
    static bool on_queue(const pool_t& pool, const job_t* job);
    static const vtp::threadpool_thread<P>* job_thread(const job_t& job)
        VTP_NO_THREAD_SAFETY_ANALYSIS {
        return job.job_thread.peek();
    }
    static unsigned job_refcnt(const job_t& job) VTP_NO_THREAD_SAFETY_ANALYSIS {
        return job.job_refcnt.peek();
    }
};

// Makes the observers of one execution: every property, then the goal
// recorder that fills coverage, then the tracker.
std::vector<std::unique_ptr<checker::Observer>> make_observers(
    std::shared_ptr<RunContext> run, std::shared_ptr<Coverage> coverage);

}  // namespace properties

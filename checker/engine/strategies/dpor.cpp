// Dynamic partial-order reduction with source sets and sleep sets
// (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014, the source-DPOR algorithm), extended for blocking
// operations and the logical clock.
//
// After each execution, race analysis finds pairs of steps that could have
// happened in the other order, and makes sure the tree explores a branch
// that reverses each one:
//
// 1. Happens-before between steps is the transitive closure of program
//    order, dependency (footprints that touch a common object, one of them
//    writing or synchronising) and enabling edges (a wake, a spawn or the
//    end of a joined thread enables the step that needed it).  Each step
//    gets a vector clock.
// 2. Two dependent steps i < j of different threads race when i does not
//    happen before j through any other step, and i is not the step that
//    enabled j.  Steps that only enable one another are not swapped:
//    a. Mutex steps race only between two acquisitions.  For an acquisition
//       j, the previous acquisition i of the same mutex races with j unless
//       i happens before j other than through the holder's own release.
//    b. A timer fires only while no pending timer has an earlier deadline,
//       so a firing that j's timer could not have preceded enables j.  The
//       race is with the start of that earlier timer instead: every timer
//       start by another thread that does not happen before j's own start,
//       and whose timer ended before j, races with j directly.
// 3. For a race (i, j), let v be the steps after i that do not happen after
//    i, followed by j.  The threads whose first step in v has no
//    predecessor in v (the initials) can each start the reversal from the
//    state before i.  If none of them is already in that node's backtrack
//    or sleep set, one of them is added.
// 4. An execution that a violation or a bound stopped early is analysed
//    with the transitions its threads had pending at the stop, as if each
//    were one more step.  With keep_going an execution does not stop at a
//    violation (the violating thread stops, or for races, lock-order
//    cycles and uses after destroy goes on), so that the steps a violation
//    would hide are analysed like any other.
// 5. A blocked or sleeping thread whose wakeup a step disabled or changed
//    (a signal that woke it, an earlier deadline, the last timeout of the
//    bound) never runs that wakeup, so no race shows it: it gets a branch
//    at the node of that step.
// 6. A thread still enabled where a bound cut the execution has later
//    steps that nothing shows: it gets a branch at every node where it was
//    enabled.
//
// Sleep sets (tree.cpp) stop the search from re-entering an order it has
// already covered; an execution in which every enabled thread sleeps is
// cut short and still counted.
//
// The analysis is incremental.  An execution repeats the steps of the
// previous one up to the node where it branched, so the events of those
// steps, and the races among them, are the same as before.  Their events
// are reused, and only pairs whose later step is new are examined: adding a
// backtrack point for an old pair again would change nothing, because
// backtrack and sleep sets only grow while their node is on the stack.
#include <algorithm>
#include <bit>
#include <vector>

#include "checker/engine/small_vector.hpp"
#include "checker/engine/strategies/strategies.hpp"
#include "checker/engine/strategies/tree.hpp"

namespace checker {

namespace {

bool is_acquisition(OpKind op) {
    return op == OpKind::lock || op == OpKind::reacquire;
}

// A step that starts a timer on the logical clock.
bool is_timer_start(OpKind op) {
    return op == OpKind::timed_wait || op == OpKind::pause;
}

// A step that fires a timer: enabled only while no other pending timer has
// an earlier deadline.
bool is_timer_firing(OpKind op) {
    return op == OpKind::wakeup_timeout || op == OpKind::pause_end;
}

class DporStrategy final : public TreeStrategy {
public:
    explicit DporStrategy(const Options& options) : TreeStrategy(options, true) {}

private:
    struct Event {
        // User-provided, so that a new event is not zeroed as a whole first
        // (add_event() sets every field).
        Event() {}

        ThreadId thread;
        std::uint32_t index;  // position in its thread, from 1
        OpKind op;
        Footprint footprint;
        SmallVector<std::uint32_t, 8> clock;  // by thread id
    };

    // True if event a happens before event b (or is b).
    bool happens_before(int a, int b) const {
        const Event& from = events_[a];
        const Event& to = events_[b];
        return from.thread < static_cast<ThreadId>(to.clock.size()) &&
               to.clock[from.thread] >= from.index;
    }

    // Classifies the conflict between two dependent steps.
    enum class Conflict { none, reversible, mutex_only };
    Conflict conflict(const Execution& execution, int i, int j) const {
        const Footprint& a = events_[i].footprint;
        const Footprint& b = events_[j].footprint;
        bool any = false;
        bool non_mutex = false;
        for (int x = 0; x < a.count; ++x) {
            for (int y = 0; y < b.count; ++y) {
                const Access& p = a.accesses[x];
                const Access& q = b.accesses[y];
                if (p.object != q.object)
                    continue;
                bool clash = p.mode == AccessMode::sync || q.mode == AccessMode::sync ||
                             p.mode == AccessMode::write || q.mode == AccessMode::write;
                if (!clash)
                    continue;
                any = true;
                if (p.object < 0 ||
                    execution.objects()[p.object].kind != ObjectKind::mutex)
                    non_mutex = true;
            }
        }
        if (!any)
            return Conflict::none;
        return non_mutex ? Conflict::reversible : Conflict::mutex_only;
    }

    void add_backtrack(int i, int j) {
        Node& node = stack_[i];
        ThreadId racer = events_[i].thread;

        // v: the steps after i that do not happen after i, then j.
        std::vector<int>& v = reversal_;
        v.clear();
        for (int k = i + 1; k < j; ++k) {
            if (!happens_before(i, k))
                v.push_back(k);
        }
        v.push_back(j);

        Mask initials = 0;
        Mask seen = 0;
        for (std::size_t position = 0; position < v.size(); ++position) {
            int k = v[position];
            ThreadId thread = events_[k].thread;
            if ((seen & bit(thread)) != 0)
                continue;
            seen |= bit(thread);
            bool has_predecessor = false;
            for (std::size_t earlier = 0; earlier < position && !has_predecessor; ++earlier)
                has_predecessor = happens_before(v[earlier], k);
            if (!has_predecessor && thread != racer)
                initials |= bit(thread);
        }

        if ((initials & (node.backtrack | node.sleep)) != 0)
            return;
        Mask candidates = allowed_by_bound(node, initials & node.enabled_mask);
        if (candidates != 0) {
            node.backtrack |= bit(static_cast<ThreadId>(std::countr_zero(candidates)));
            return;
        }
        // No initial can start here (it is disabled, or the bound forbids
        // it): fall back to every enabled thread, which is always enough.
        node.backtrack |= allowed_by_bound(node, node.enabled_mask & ~node.sleep);
    }

    // Per-execution bookkeeping of the race analysis.
    struct Scan {
        std::vector<int> last_of_thread;
        std::vector<std::uint32_t> count_of_thread;
        std::vector<int> last_acquisition;  // by mutex
        std::vector<int> predecessors;
        // For a timer start, the step that ended its timer: the firing, or
        // the signal that woke the waiter.  The number of steps if none did.
        std::vector<int> timer_end;
        std::vector<int> next_of_thread;
        // By object slot (object_slot()) and thread: the thread's last event
        // that touched the object, and its last one that wrote or
        // synchronised on it.  Only these can be a step's nearest dependent
        // predecessors in their thread, because clocks grow along a thread.
        int thread_count = 0;
        std::vector<int> last_touch;
        std::vector<int> last_write;
    };

    // The index of an object in Scan's per-object tables: the clock in 0,
    // the thread table in 1, object id k in k + 3.
    static std::size_t object_slot(ObjectId object) {
        return static_cast<std::size_t>(object - clock_object);
    }

    // Records event j in scan's tables of last accesses.
    void note_accesses(Scan& scan, int j) const {
        const Event& event = events_[j];
        for (int x = 0; x < event.footprint.count; ++x) {
            const Access& access = event.footprint.accesses[x];
            std::size_t at = object_slot(access.object) * scan.thread_count +
                             static_cast<std::size_t>(event.thread);
            scan.last_touch[at] = j;
            if (access.mode != AccessMode::read)
                scan.last_write[at] = j;
        }
    }

    // Appends the event of one transition of thread.  The caller writes its
    // footprint in place before analyse_event().
    Event& add_event(const Scan& scan, ThreadId thread, OpKind op) {
        Event& event = events_.emplace_back();
        event.thread = thread;
        event.index = scan.count_of_thread[thread] + 1;
        event.op = op;
        return event;
    }

    // Computes the last event's clock and adds a backtrack point per race.
    // The caller commits the event to scan or, if pending, removes it again.
    void analyse_event(const Execution& execution, Scan& scan, ObjectId object, int enabled_by) {
        int thread_count = static_cast<int>(execution.threads().size());
        int j = static_cast<int>(events_.size()) - 1;
        Event& event = events_.back();
        const ThreadId thread = event.thread;
        const OpKind op = event.op;
        const Footprint& footprint = event.footprint;
        event.clock.resize(thread_count, 0);

        std::vector<int>& predecessors = scan.predecessors;
        predecessors.clear();
        if (scan.last_of_thread[thread] >= 0)
            predecessors.push_back(scan.last_of_thread[thread]);
        if (enabled_by >= 0 && enabled_by < j)
            predecessors.push_back(enabled_by);
        std::size_t ordered = predecessors.size();
        // The dependent earlier events of other threads, in index order.  Of
        // each thread only the last event that conflicts with each access is
        // taken.  An earlier one happens before it, so it adds nothing to the
        // clock and is not an immediate predecessor of j.
        const std::uint64_t stamp = ++stamp_;
        for (int x = 0; x < footprint.count; ++x) {
            const Access& access = footprint.accesses[x];
            const std::vector<int>& last =
                access.mode == AccessMode::read ? scan.last_write : scan.last_touch;
            std::size_t row = object_slot(access.object) * scan.thread_count;
            for (int other = 0; other < scan.thread_count; ++other) {
                int i = last[row + static_cast<std::size_t>(other)];
                if (i >= 0 && other != thread && marked_[i] != stamp) {
                    marked_[i] = stamp;
                    predecessors.push_back(i);
                }
            }
        }
        std::sort(predecessors.begin() + static_cast<std::ptrdiff_t>(ordered), predecessors.end());
        for (int p : predecessors) {
            // An event reused from an earlier analysis may have a shorter
            // clock: the threads created since are 0 in it.
            const auto& other = events_[p].clock;
            int known = std::min(thread_count, static_cast<int>(other.size()));
            for (int t = 0; t < known; ++t)
                event.clock[t] = std::max(event.clock[t], other[t]);
        }
        event.clock[thread] = event.index;

        // 2. Races with dependent predecessors.
        for (std::size_t a = ordered; a < predecessors.size(); ++a) {
            int i = predecessors[a];
            // The step that enabled j (a spawn that created its thread, a
            // signal that woke it) cannot be swapped with it.
            if (i == enabled_by || conflict(execution, i, j) != Conflict::reversible)
                continue;
            // A firing that j's timer could not precede (an earlier
            // deadline was pending) enables j rather than racing with it.
            if (is_timer_firing(events_[i].op) && is_timer_firing(op) &&
                (stack_[i].enabled_mask & bit(thread)) == 0)
                continue;
            bool immediate = true;
            for (int d : predecessors) {
                if (d != i && happens_before(i, d)) {
                    immediate = false;
                    break;
                }
            }
            if (immediate)
                add_backtrack(i, j);
        }

        // 2a. Races between two acquisitions of one mutex.
        if (is_acquisition(op) && object >= 0) {
            int i = scan.last_acquisition[object];
            if (i >= 0 && events_[i].thread != thread) {
                ThreadId holder = events_[i].thread;
                bool immediate = true;
                for (int d : predecessors) {
                    if (d == i)
                        continue;
                    // The holder's own later mutex steps are the release
                    // that j needs; they do not order i before j.
                    if (d > i && events_[d].thread == holder &&
                        conflict(execution, d, j) == Conflict::mutex_only)
                        continue;
                    if (happens_before(i, d)) {
                        immediate = false;
                        break;
                    }
                }
                if (immediate)
                    add_backtrack(i, j);
            }
        }

        // 2b. Races between a firing and the timers that held it back.  A
        //    timer that another thread started without happening before
        //    j's own start, and that ended before j, had the earlier
        //    deadline: it disabled j until it fired or was cancelled, and j
        //    could have fired before that start.  The path from the start
        //    to j through its own firing is the enabling, not an order, so
        //    these pairs are raced directly.
        int own_start = scan.last_of_thread[thread];
        if (is_timer_firing(op) && own_start >= 0) {
            for (int i = 0; i < j; ++i) {
                if (events_[i].thread != thread && is_timer_start(events_[i].op) &&
                    scan.timer_end[i] < j && !happens_before(i, own_start))
                    add_backtrack(i, j);
            }
        }
    }

    void analyse(const Execution& execution) override {
        const auto& steps = execution.steps();
        int n = static_cast<int>(std::min(steps.size(), stack_.size()));
        int thread_count = static_cast<int>(execution.threads().size());
        Scan& scan = scan_;
        scan.last_of_thread.assign(thread_count, -1);
        scan.count_of_thread.assign(thread_count, 0);
        scan.last_acquisition.assign(execution.objects().size(), -1);
        scan.timer_end.assign(n, n);
        std::vector<int>& next_of_thread = scan.next_of_thread;
        next_of_thread.assign(thread_count, -1);
        for (int k = n - 1; k >= 0; --k) {
            const Step& step = steps[k];
            int next = next_of_thread[step.thread];
            if (is_timer_start(step.op) && next >= 0)
                scan.timer_end[k] = steps[next].op == OpKind::reacquire && steps[next].enabled_by >= 0
                                        ? steps[next].enabled_by
                                        : next;
            next_of_thread[step.thread] = k;
        }
        // The steps before first_new_ are the previous execution's.
        int reused = std::min({first_new_, static_cast<int>(events_.size()), n});
        events_.resize(reused);
        if (marked_.size() < static_cast<std::size_t>(n))
            marked_.resize(n, 0);
        scan.thread_count = thread_count;
        std::size_t table_size =
            object_slot(static_cast<ObjectId>(execution.objects().size())) *
            static_cast<std::size_t>(thread_count);
        scan.last_touch.assign(table_size, -1);
        scan.last_write.assign(table_size, -1);

        for (int j = 0; j < n; ++j) {
            const Step& step = steps[j];
            if (j >= reused) {
                Event& event = add_event(scan, step.thread, step.op);
                Execution::step_footprint(step, event.footprint);
                analyse_event(execution, scan, step.object, step.enabled_by);
            }
            note_accesses(scan, j);
            ++scan.count_of_thread[step.thread];
            if (is_acquisition(step.op) && step.object >= 0)
                scan.last_acquisition[step.object] = j;
            scan.last_of_thread[step.thread] = j;
        }

        add_disabled_wakeups(execution, n, std::max(reused - 1, 0));

        // 4. An execution stopped by a violation or a bound never ran the
        //    transitions its threads had pending; they race like steps, so
        //    that the orders in which they come first are explored too.  An
        //    acquisition counts even while its mutex is held: it races with
        //    the acquisition that took the mutex.
        if (static_cast<int>(steps.size()) != n)
            return;
        for (const PendingTransition& pending : execution.pending_at_stop()) {
            if (!pending.enabled && !is_acquisition(pending.op))
                continue;
            add_event(scan, pending.thread, pending.op).footprint = pending.footprint;
            analyse_event(execution, scan, pending.object, pending.enabled_by);
            events_.pop_back();
            if (pending.enabled)
                add_starved(pending.thread, n);
        }
    }

    // 6. A thread still enabled where a bound cut the execution (the step
    //    bound of a spinning thread, the thread bound) has later steps that
    //    nothing shows.  They may race with anything, and running any of
    //    its steps earlier may bring them within the bound.  So it gets a
    //    branch at every node where it was enabled and not asleep, which
    //    costs executions only where a bound cut one.
    void add_starved(ThreadId thread, int n) {
        for (int k = 0; k < n; ++k) {
            Node& node = stack_[k];
            if ((node.enabled_mask & ~(node.backtrack | node.sleep) & bit(thread)) != 0)
                node.backtrack |= allowed_by_bound(node, bit(thread));
        }
    }

    // 5. A blocked or sleeping thread may have its enabled wakeup disabled
    //    or changed by the step taken at a node: a signal wakes it, a timer
    //    with an earlier deadline starts, or the bound's last timeout or
    //    spurious wakeup goes to another thread.  That wakeup never runs in
    //    this execution, so no race shows it, and it gets a branch there.
    //    Nodes before `from` are followed by the same node as in the
    //    previous execution, which gave them their branches already.
    void add_disabled_wakeups(const Execution& execution, int n, int from) {
        const auto& pending = execution.pending_at_stop();
        for (int k = from; k < n; ++k) {
            Node& node = stack_[k];
            for (Mask rest = node.enabled_mask & ~bit(node.chosen); rest != 0; rest &= rest - 1) {
                ThreadId thread = static_cast<ThreadId>(std::countr_zero(rest));
                if (!writes_clock(node.footprints[thread]))
                    continue;
                bool enabled_after = false;
                const Footprint* after = nullptr;
                if (k + 1 < static_cast<int>(stack_.size())) {
                    enabled_after = (stack_[k + 1].enabled_mask & bit(thread)) != 0;
                    after = &stack_[k + 1].footprints[thread];
                } else if (k + 1 == n && !pending.empty()) {
                    for (const PendingTransition& transition : pending) {
                        if (transition.thread == thread) {
                            enabled_after = transition.enabled;
                            after = &transition.footprint;
                        }
                    }
                } else {
                    continue;
                }
                if (enabled_after && after != nullptr &&
                    same_footprint(*after, node.footprints[thread]))
                    continue;
                if (((node.backtrack | node.sleep) & bit(thread)) != 0)
                    continue;
                node.backtrack |= allowed_by_bound(node, bit(thread));
            }
        }
    }

    static bool writes_clock(const Footprint& footprint) {
        for (int x = 0; x < footprint.count; ++x) {
            if (footprint.accesses[x].object == clock_object &&
                footprint.accesses[x].mode == AccessMode::write)
                return true;
        }
        return false;
    }

    static bool same_footprint(const Footprint& a, const Footprint& b) {
        if (a.count != b.count)
            return false;
        for (int x = 0; x < a.count; ++x) {
            if (a.accesses[x].object != b.accesses[x].object ||
                a.accesses[x].mode != b.accesses[x].mode)
                return false;
        }
        return true;
    }

    std::vector<Event> events_;
    // By event: the stamp of the last analyse_event() call that listed it
    // as a predecessor (each call takes a new one).
    std::vector<std::uint64_t> marked_;
    std::uint64_t stamp_ = 0;
    Scan scan_;  // reused from execution to execution
    std::vector<int> reversal_;  // scratch space for add_backtrack()'s sequence v
};

}  // namespace

std::unique_ptr<Strategy> make_dpor_strategy(const Options& options) {
    return std::make_unique<DporStrategy>(options);
}

}  // namespace checker

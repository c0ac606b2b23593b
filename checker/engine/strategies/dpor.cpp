// Dynamic partial-order reduction with source sets and sleep sets
// (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014, the source-DPOR algorithm).
//
// After each execution, race analysis finds pairs of steps that could have
// happened in the other order, and makes sure the tree explores a branch
// that reverses each one:
//
// 1. Happens-before between steps is the transitive closure of program
//    order, dependency (footprints that touch a common object, one of them
//    writing or synchronising) and enabling edges (a wake, a spawn or an
//    exit enables the step that needed it).  Each step gets a vector clock.
// 2. Two dependent steps i < j of different threads race when i does not
//    happen before j through any other step.  Mutex steps race only between
//    two acquisitions: a release and the acquisition it enables cannot be
//    swapped.  For an acquisition j, the previous acquisition i of the same
//    mutex races with j unless i happens before j other than through the
//    holder's own release.
// 3. For a race (i, j), let v be the steps after i that do not happen after
//    i, followed by j.  The threads whose first step in v has no
//    predecessor in v (the initials) can each start the reversal from the
//    state before i.  If none of them is already in that node's backtrack
//    or sleep set, one of them is added.
//
// Sleep sets (tree.cpp) stop the search from re-entering an order it has
// already covered; an execution in which every enabled thread sleeps is
// cut short and still counted.
#include <algorithm>
#include <bit>
#include <vector>

#include "checker/engine/strategies/strategies.hpp"
#include "checker/engine/strategies/tree.hpp"

namespace checker {

namespace {

bool is_acquisition(OpKind op) {
    return op == OpKind::lock || op == OpKind::reacquire;
}

class DporStrategy final : public TreeStrategy {
public:
    explicit DporStrategy(const Options& options) : TreeStrategy(options, true) {}

private:
    struct Event {
        ThreadId thread;
        std::uint32_t index;  // position in its thread, from 1
        Footprint footprint;
        std::vector<std::uint32_t> clock;  // by thread id
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

    void add_backtrack(const Execution& execution, int i, int j) {
        const auto& steps = execution.steps();
        Node& node = stack_[i];
        ThreadId racer = events_[i].thread;

        // v: the steps after i that do not happen after i, then j.
        std::vector<int> v;
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
        (void)steps;

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

    void analyse(const Execution& execution) override {
        const auto& steps = execution.steps();
        int n = static_cast<int>(std::min(steps.size(), stack_.size()));
        int thread_count = static_cast<int>(execution.threads().size());
        events_.assign(n, Event{});
        std::vector<int> last_of_thread(thread_count, -1);
        std::vector<std::uint32_t> count_of_thread(thread_count, 0);
        std::vector<int> last_acquisition(execution.objects().size(), -1);
        std::vector<int> predecessors;

        for (int j = 0; j < n; ++j) {
            const Step& step = steps[j];
            Event& event = events_[j];
            event.thread = step.thread;
            event.index = ++count_of_thread[step.thread];
            event.footprint = Execution::step_footprint(step);
            event.clock.assign(thread_count, 0);

            predecessors.clear();
            if (last_of_thread[step.thread] >= 0)
                predecessors.push_back(last_of_thread[step.thread]);
            if (step.enabled_by >= 0 && step.enabled_by < j)
                predecessors.push_back(step.enabled_by);
            std::size_t ordered = predecessors.size();
            for (int i = 0; i < j; ++i) {
                if (events_[i].thread != step.thread &&
                    dependent(events_[i].footprint, event.footprint))
                    predecessors.push_back(i);
            }
            for (int p : predecessors) {
                const auto& other = events_[p].clock;
                for (int t = 0; t < thread_count; ++t)
                    event.clock[t] = std::max(event.clock[t], other[t]);
            }
            event.clock[step.thread] = event.index;

            // 2. Races with dependent predecessors.
            for (std::size_t a = ordered; a < predecessors.size(); ++a) {
                int i = predecessors[a];
                if (conflict(execution, i, j) != Conflict::reversible)
                    continue;
                bool immediate = true;
                for (int d : predecessors) {
                    if (d != i && happens_before(i, d)) {
                        immediate = false;
                        break;
                    }
                }
                if (immediate)
                    add_backtrack(execution, i, j);
            }

            // 2. Races between two acquisitions of one mutex.
            if (is_acquisition(step.op) && step.object >= 0) {
                int i = last_acquisition[step.object];
                if (i >= 0 && events_[i].thread != step.thread) {
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
                        add_backtrack(execution, i, j);
                }
                last_acquisition[step.object] = j;
            }
            last_of_thread[step.thread] = j;
        }
    }

    std::vector<Event> events_;
};

}  // namespace

std::unique_ptr<Strategy> make_dpor_strategy(const Options& options) {
    return std::make_unique<DporStrategy>(options);
}

}  // namespace checker

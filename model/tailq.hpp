// An intrusive doubly linked list, the counterpart of NetBSD's TAILQ and LIST
// macros (queue(3)), whose head and links live in the platform's shared<>
// cells.
//
// The pool keeps its job queue, its idle-thread list and the registry's lists
// of shared pools this way, so that scheduling a job allocates nothing: the
// links are fields of the job and of the thread record.  Every access to a
// head or a link goes through the cell's read() or write().  Under the
// checker each one is then a recorded access, checked for data races and for
// use after destruction like any other field guarded by a lock.
//
//   tailq_head<T>   first and last element, or nullptr when the list is empty
//   tailq_link<T>   the neighbours of an element on the list
//   tailq<P, T, &T::entry>
//                   the operations, for elements of type T linked through their
//                   shared<tailq_link<T>> member `entry`
//
// The reference's TAILQ_REMOVE keeps a pointer to the previous element's next
// pointer; this list keeps a pointer to the previous element instead, because
// a pointer into a cell would bypass its read() and write().  The behaviour of
// every operation is the same.
//
// Compiled with VTP_QUEUEDEBUG defined, the list checks each insertion and
// removal the way NetBSD's QUEUEDEBUG kernel option does: an insertion of an
// element that is already on a list, or a removal of one that is not on this
// list, is a panic.  The option is off by default, as QUEUEDEBUG is in
// NetBSD.  A removed element's links are cleared in every build (a
// departure: see remove()).
#pragma once

#include "model/checks.hpp"
#include "model/platform.hpp"

namespace vtp {

#if defined(VTP_QUEUEDEBUG)
inline constexpr bool tailq_debug = true;
#else
inline constexpr bool tailq_debug = false;
#endif

template <class T>
struct tailq_head {
    T* first = nullptr;
    T* last = nullptr;
};

template <class T>
struct tailq_link {
    T* next = nullptr;
    T* prev = nullptr;
};

// Operations on a list of T linked through T's member Entry, a
// `typename P::template shared<tailq_link<T>>`.  Every function takes the
// caller's location, so that a trace names the pool's line.
template <class P, class T, auto Entry>
struct tailq {
    using head_cell = typename P::template shared<tailq_head<T>>;
    using link_cell = typename P::template shared<tailq_link<T>>;

    static bool empty(const head_cell& head, location loc = location::current()) {
        return head.read(loc).first == nullptr;
    }

    static T* first(const head_cell& head, location loc = location::current()) {
        return head.read(loc).first;
    }

    static T* next(const T* elm, location loc = location::current()) {
        return (elm->*Entry).read(loc).next;
    }

    static void insert_head(head_cell& head, T* elm, location loc = location::current()) {
        check_unlinked(head, elm, "insert_head", loc);
        T* const old_first = head.read(loc).first;
        tailq_link<T>& link = (elm->*Entry).write(loc);
        link.next = old_first;
        link.prev = nullptr;
        if (old_first != nullptr)
            (old_first->*Entry).write(loc).prev = elm;
        else
            head.write(loc).last = elm;
        head.write(loc).first = elm;
    }

    static void insert_tail(head_cell& head, T* elm, location loc = location::current()) {
        check_unlinked(head, elm, "insert_tail", loc);
        T* const old_last = head.read(loc).last;
        tailq_link<T>& link = (elm->*Entry).write(loc);
        link.next = nullptr;
        link.prev = old_last;
        if (old_last != nullptr)
            (old_last->*Entry).write(loc).next = elm;
        else
            head.write(loc).first = elm;
        head.write(loc).last = elm;
    }

    static void remove(head_cell& head, T* elm, location loc = location::current()) {
        check_linked(head, elm, loc);
        const tailq_link<T> link = (elm->*Entry).read(loc);
        if (link.next != nullptr)
            (link.next->*Entry).write(loc).prev = link.prev;
        else
            head.write(loc).last = link.prev;
        if (link.prev != nullptr)
            (link.prev->*Entry).write(loc).next = link.next;
        else
            head.write(loc).first = link.next;
        // Departure: clear the removed element's links always, not only with
        // QUEUEDEBUG, so that linked() can tell in constant time whether an
        // element is on the list.  The pool needs that to survive a cancel
        // that races with the overseer's hand-off (threadpool.hpp).
        (elm->*Entry).write(loc) = tailq_link<T>{};
    }

    // Returns whether elm is on this list, in constant time.  Valid for an
    // element that is on this list or on none, because removal clears links.
    static bool linked(const head_cell& head, const T* elm, location loc = location::current()) {
        return (elm->*Entry).read(loc).prev != nullptr || head.read(loc).first == elm;
    }

    // Returns whether elm is on the list.  Walks the list: for inspection and
    // checks only.
    static bool contains(const head_cell& head, const T* elm, location loc = location::current()) {
        for (const T* it = head.read(loc).first; it != nullptr; it = next(it, loc)) {
            if (it == elm)
                return true;
        }
        return false;
    }

private:
    // QUEUEDEBUG's insertion check: an unlinked element has no neighbours and
    // is not the first element of this list.
    static void check_unlinked(const head_cell& head, const T* elm, const char* operation,
                               location loc) {
        if constexpr (tailq_debug) {
            const tailq_link<T>& link = (elm->*Entry).read(loc);
            if (link.next != nullptr || link.prev != nullptr || head.read(loc).first == elm)
                VTP_PANIC_AT(loc, "tailq %s: element %p is already on a list (next %p, prev %p)",
                             operation, static_cast<const void*>(elm),
                             static_cast<const void*>(link.next),
                             static_cast<const void*>(link.prev));
        }
    }

    // QUEUEDEBUG's removal check: the element's neighbours, or the head where
    // it has none, point back at it.
    static void check_linked(const head_cell& head, const T* elm, location loc) {
        if constexpr (tailq_debug) {
            const tailq_link<T>& link = (elm->*Entry).read(loc);
            const T* const seen_from_prev =
                link.prev != nullptr ? (link.prev->*Entry).read(loc).next : head.read(loc).first;
            const T* const seen_from_next =
                link.next != nullptr ? (link.next->*Entry).read(loc).prev : head.read(loc).last;
            if (seen_from_prev != elm || seen_from_next != elm)
                VTP_PANIC_AT(loc, "tailq remove: element %p is not on the list with head %p",
                             static_cast<const void*>(elm), static_cast<const void*>(&head));
        }
    }
};

}  // namespace vtp

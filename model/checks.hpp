// The check hook: the reference's KASSERT, KASSERTMSG and panic.
//
// Each macro calls P::check_failed, which does not return: production prints
// the message and location and aborts; the checker reports a violation with
// a trace.  With P::checks_enabled false (a production Release build without
// VTP_CHECKS) the condition is not evaluated, as with a kernel built without
// DIAGNOSTIC.  The macros need the platform type to be named P in scope.
#pragma once

#include <cstdio>

#include "model/platform.hpp"

#define VTP_KASSERT(cond) VTP_KASSERT_AT(::vtp::location::current(), cond)

// KASSERT reported at location LOC, for helpers that carry their caller's
// location.
#define VTP_KASSERT_AT(loc, cond)                                                    \
    do {                                                                             \
        if constexpr (P::checks_enabled) {                                           \
            if (!(cond)) [[unlikely]]                                                \
                P::check_failed(::vtp::check_kind::invariant, #cond, nullptr, loc);  \
        }                                                                            \
    } while (0)

#define VTP_KASSERTMSG(cond, ...) \
    VTP_KASSERTMSG_AT(::vtp::location::current(), cond, __VA_ARGS__)

// KASSERTMSG reported at location LOC, for helpers that carry their
// caller's location.
#define VTP_KASSERTMSG_AT(loc, cond, ...)                                            \
    do {                                                                             \
        if constexpr (P::checks_enabled) {                                           \
            if (!(cond)) [[unlikely]] {                                              \
                char vtp_check_message_[256];                                        \
                std::snprintf(vtp_check_message_, sizeof vtp_check_message_,         \
                              __VA_ARGS__);                                          \
                P::check_failed(::vtp::check_kind::misuse, #cond, vtp_check_message_, \
                                loc);                                                \
            }                                                                        \
        }                                                                            \
    } while (0)

// panic() is not a diagnostic: it fires whatever the checks setting.
#define VTP_PANIC(...) VTP_PANIC_AT(::vtp::location::current(), __VA_ARGS__)

// panic() reported at location LOC, for helpers that carry their caller's
// location (the intrusive list in tailq.hpp).
#define VTP_PANIC_AT(loc, ...)                                                       \
    do {                                                                             \
        char vtp_check_message_[256];                                                \
        std::snprintf(vtp_check_message_, sizeof vtp_check_message_, __VA_ARGS__);   \
        P::check_failed(::vtp::check_kind::panic, "panic", vtp_check_message_, loc); \
    } while (0)

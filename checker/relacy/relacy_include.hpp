// The one place that includes Relacy Race Detector.
//
// Debian's relacy-dev (snapshot 0.0+git20191025) defines new, delete,
// malloc, calloc, realloc, free, assert, errno, EAGAIN and the std::memory_order_*
// names as macros, and defines the global operator new and delete inline.
// A translation unit that uses Relacy therefore includes every standard
// header and every project header it needs first, then this header, and
// nothing after it.  This header removes the macros again, so that code
// below it reads as ordinary C++: Relacy's own templates were expanded
// already, and the replaced global operator new still sends every
// allocation made inside a simulation to Relacy's memory manager.
//
// Relacy's headers sit in a system include directory, so their warnings
// stay silent; none of them is suppressed by a pragma here.
//
// NOTE: relacy.hpp, not relacy_std.hpp: the latter injects Relacy's
// atomics and mutexes into namespace std.
#pragma once

#include <cerrno>

// Relacy's pthread header redefines EAGAIN as its own error number (5).
// The system's value comes back below, so that errors print as usual.
inline constexpr int vtp_system_eagain = EAGAIN;

#include <relacy/relacy.hpp>

#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef assert
#undef errno
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst
#undef VAR_T
#undef TLS_T
#undef VAR
#undef EAGAIN
#define EAGAIN vtp_system_eagain

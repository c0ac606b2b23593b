// Clang thread-safety annotations, empty for other compilers.
//
// The pool marks each field with the lock that guards it and each function
// with the locks it needs; a clang build with -Wthread-safety checks them.
#pragma once

#if defined(__clang__)
#define VTP_TSA(x) __attribute__((x))
#else
#define VTP_TSA(x)
#endif

#define VTP_CAPABILITY(name) VTP_TSA(capability(name))
#define VTP_GUARDED_BY(lock) VTP_TSA(guarded_by(lock))
#define VTP_PT_GUARDED_BY(lock) VTP_TSA(pt_guarded_by(lock))
#define VTP_REQUIRES(...) VTP_TSA(requires_capability(__VA_ARGS__))
#define VTP_EXCLUDES(...) VTP_TSA(locks_excluded(__VA_ARGS__))
#define VTP_ACQUIRE(...) VTP_TSA(acquire_capability(__VA_ARGS__))
#define VTP_RELEASE(...) VTP_TSA(release_capability(__VA_ARGS__))
#define VTP_ASSERT_CAPABILITY(x) VTP_TSA(assert_capability(x))
#define VTP_RETURN_CAPABILITY(x) VTP_TSA(lock_returned(x))
#define VTP_NO_THREAD_SAFETY_ANALYSIS VTP_TSA(no_thread_safety_analysis)

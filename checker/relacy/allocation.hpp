// The global operator new and delete of every program that links the
// Relacy runtime.
//
// Relacy's header defines the global operator new and delete inline, to
// send allocations made inside a simulation to its memory manager (which
// reports leaks and reuses freed blocks late).  An inline replacement is
// ill-formed, and with optimisation the compiler emits only the forms a
// translation unit calls: libstdc++'s sized operator delete then reaches the
// library's own unsized one, which hands a block of Relacy's manager to
// free() and corrupts the heap.  allocation.cpp therefore defines every
// replaceable non-aligned form out of line, with Relacy's routing: inside a
// simulation to Relacy's manager, outside it to malloc and free.  The inline
// copies in Relacy's translation units route the same way, so it does not
// matter which copy a call reaches.
#pragma once

#include <cstddef>

namespace checker::relacy {

// Defined in platform.cpp, a Relacy translation unit.  allocate returns
// nullptr when memory is exhausted outside a simulation.
void* allocate(std::size_t size);
void deallocate(void* memory);

// Defined in allocation.cpp; the driver calls it so that the linker always
// takes the replacement operators from the static library.
void use_relacy_allocation();

}  // namespace checker::relacy

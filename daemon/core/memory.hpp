#pragma once
// Handing freed heap memory back to the operating system.

namespace rosterd::core {

// Returns the free pages of the heap to the system (glibc's malloc_trim; a no-op
// elsewhere). glibc keeps memory freed by small allocations for reuse, so a run
// whose listing phase freed tens of megabytes of parsed pages would otherwise
// carry them as resident memory through its write phase.
void release_free_memory() noexcept;

}  // namespace rosterd::core

#pragma once
// Handing freed heap memory back to the operating system.

namespace rosterd::core {

// Sets fixed allocator thresholds (glibc's mallopt; a no-op elsewhere), once at
// start-up, before any thread. By default glibc raises its mmap threshold to the
// size of any large block freed (up to 32 MiB) and its trim threshold to twice
// that: after a run's record index has grown a few times, every parsed page and
// response body comes from the heap and what they free stays resident. With
// fixed thresholds, blocks of 512 KiB and more are mapped and unmapped on their
// own and the heap is trimmed once 4 MiB at its top are free (BENCHMARKS.md:
// peak RSS of a 1M-user Class4 sync 103 -> 91 MB, the same time).
void configure_allocator() noexcept;

// Returns the free pages of the heap to the system (glibc's malloc_trim; a no-op
// elsewhere). glibc keeps memory freed by small allocations for reuse, so a run
// whose listing phase freed tens of megabytes of parsed pages would otherwise
// carry them as resident memory through its write phase.
void release_free_memory() noexcept;

}  // namespace rosterd::core

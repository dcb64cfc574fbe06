#include "core/memory.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// Under AddressSanitizer or ThreadSanitizer the sanitizer's allocator serves malloc, and
// its mallopt is a no-op: glibc's heap is never initialized, and malloc_trim would
// initialize it lazily, racing itself when two run threads trim at once (a crash seen
// under AddressSanitizer). There is nothing of glibc's to trim then.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ROSTERD_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ROSTERD_SANITIZER_ALLOCATOR 1
#endif
#endif

namespace rosterd::core {

void configure_allocator() noexcept {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 512 * 1024);
  mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
#endif
}

void release_free_memory() noexcept {
#if defined(__GLIBC__) && !defined(ROSTERD_SANITIZER_ALLOCATOR)
  malloc_trim(0);
#endif
}

}  // namespace rosterd::core

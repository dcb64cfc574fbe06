#pragma once
// libcurl's process-wide state. curl_global_init must run once before any other
// libcurl call and is not safe to race with itself on every build, so it runs
// from a function-local static (C++ guarantees exactly-once, thread-safe).
// curl_global_cleanup is never called: the daemon keeps libcurl until exit.

namespace rosterd::http {

void ensure_curl_initialized();

}  // namespace rosterd::http

#pragma once
// node_exporter's textfile collector reads every *.prom file of its directory at each
// scrape: a file must never be seen half written. It is written beside its final name
// under a name the collector ignores, flushed to disk, then renamed over it.

#include <string>
#include <string_view>

namespace rosterd::metrics {

// Replaces `path` with `text`, mode 0644 (the collector runs as another user). Throws
// std::runtime_error naming the file and the reason; the old file is then left as it was.
void write_textfile(const std::string& path, std::string_view text);

}  // namespace rosterd::metrics

#pragma once
// Internal to config/: bounded file reads and path resolution. Errors are short
// reasons ("No such file or directory"); callers add the path and the key.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rosterd::config {

struct FileContent {
  std::string content;
  std::string error;  // empty on success
};

// Reads at most `limit` bytes; a longer file (or /dev/zero) is an error, not a prefix.
FileContent read_small_file(const std::string& path, std::size_t limit);

// Empty when `path` names a readable regular file, else the reason.
std::string readable_file_problem(const std::string& path);

// Permission bits of `path`, or nullopt when it cannot be stat()ed.
std::optional<unsigned> file_mode(const std::string& path);

// `value` itself when absolute, else `directory`/`value`; lexically normalised.
std::string resolve_path(std::string_view directory, std::string_view value);

}  // namespace rosterd::config

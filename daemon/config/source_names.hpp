#pragma once
// The source names a configuration file lists, for the shell's completion of --source.

#include <string>
#include <vector>

namespace rosterd::config {

// The `name` of each entry of `sources:`, read without checking anything else (no value
// is judged, no credential read: completing a name must work where the service's
// credentials are not at hand). Empty when the file cannot be read or is not YAML.
std::vector<std::string> listed_source_names(const std::string& path) noexcept;

}  // namespace rosterd::config

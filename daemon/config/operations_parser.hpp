#pragma once
// Internal to config/: the keys about operating rosterd rather than syncing, `metrics:`
// and `retention:`.

#include <vector>

#include "config/config.hpp"
#include "config/parse_context.hpp"

namespace rosterd::config {

// metrics: {listen: HOST:PORT, allow_non_loopback: BOOL, textfile: PATH}
void read_metrics(const ParseContext& context, const Field& field, Config& config);
// retention: {TABLE: DURATION | forever, ...}
void read_retention(const ParseContext& context, const Field& field, Config& config);

// Whether `host` is a loopback address (127.0.0.0/8, ::1) or localhost.
bool is_loopback_host(std::string_view host);

}  // namespace rosterd::config

#pragma once
// Internal to config/: the credentials a source gives, checked against the ways its
// type authenticates (SourceTypeSchema::credentials).

#include "config/parse_context.hpp"

namespace rosterd::config {

// Records a problem in context.problems for each thing wrong: no way given (at the
// source), two ways given (at the first key of the second), a key of the way given
// missing (at the source) or empty (at the key).
void check_credentials(const ParseContext& context, const SourceTypeSchema& type, const SourceConfig& source);

}  // namespace rosterd::config

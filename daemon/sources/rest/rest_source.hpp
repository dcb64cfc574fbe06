#pragma once
// A source of type `rest`: any JSON user directory described by a definition
// (config/rest_definition.hpp; README, "Any JSON directory: the rest source type").
// Requests, auth and paging are the definition's; the safety is rosterd's: a listing is
// complete or the run fails (a total that does not match, a total that changes while
// paging, a repeated id, a cursor or next link that does not advance, an empty page
// before the total is reached), and `relist` lists once more from the start when a
// paged listing shifted.

#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::rest {

std::unique_ptr<Source> make_source(const config::SourceConfig& config);
std::unique_ptr<Source> make_source(const config::SourceConfig& config, const core::Clock& clock);

}  // namespace rosterd::sources::rest

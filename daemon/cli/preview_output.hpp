#pragma once
// What `check --connect` and `sync --dry-run` show of a source that previews its
// mapping (a rest source, sources::Source::preview): its first users, column by column,
// and the fields that went to attributes, for the author of its definition.

#include <cstddef>
#include <stop_token>
#include <string>
#include <vector>

#include "model/user.hpp"
#include "sources/source.hpp"

namespace rosterd::cli {

// How many users a preview shows.
inline constexpr std::size_t k_preview_users = 3;

// The lines for `source`'s `users`, each with a trailing newline.
std::string preview_text(const std::string& source, const std::vector<model::User>& users);

}  // namespace rosterd::cli

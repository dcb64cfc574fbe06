#pragma once
// Shared by the parser tests: fixture bodies (tests/fixtures/<vendor>/) and the
// checks every vendor's parser must pass.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/canonical.hpp"
#include "model/normalize.hpp"
#include "model/user.hpp"

namespace rosterd::sources::testing {

inline std::string read_fixture(std::string_view relative) {
  const auto path = std::string(ROSTERD_FIXTURES) + "/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing fixture " << path;
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Everything a parsed listing would store: ids and snapshots.
inline std::string stored_text(const std::vector<model::User>& users) {
  std::string out;
  for (const auto& user : users) out += user.external_id + " " + model::snapshot_json(user) + "\n";
  return out;
}

inline std::string stored_text(const std::vector<model::NamedEntity>& entities) {
  std::string out;
  for (const auto& entity : entities) out += entity.key + " " + model::snapshot_json(entity) + "\n";
  return out;
}

// Calls `parse` on every proper prefix of `body` (trailing whitespace removed
// first, since the document without it is complete) and returns the lengths
// that were accepted: a strict parser accepts none.
template <class Parse>
std::vector<std::size_t> accepted_prefixes(std::string_view body, Parse&& parse) {
  body = body.substr(0, body.find_last_not_of(" \t\r\n") + 1);
  std::vector<std::size_t> accepted;
  for (std::size_t length = 0; length < body.size(); ++length) {
    if (parse(body.substr(0, length)).ok()) accepted.push_back(length);
  }
  return accepted;
}

// Content that must make any body fail when appended to a valid one.
inline const std::vector<std::string>& trailing_junk() {
  static const std::vector<std::string> junk = {"x", "{}", "]", "}", ",", "\"", "null", "<br />"};
  return junk;
}

}  // namespace rosterd::sources::testing

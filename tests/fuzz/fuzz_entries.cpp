#include "fuzz_entries.hpp"

#include <simdjson.h>
#include <sqlite3.h>

#include <cstdint>
#include <iterator>
#include <set>

#include "model/canonical.hpp"
#include "sources/class4/class4_json.hpp"
#include "sources/crocodial/crocodial_json.hpp"
#include "sources/crocodial/crocodial_user_info_json.hpp"
#include "config/config.hpp"
#include "sources/registry.hpp"
#include "sources/rest/rest_json.hpp"
#include "sources/smartflo/smartflo_json.hpp"
#include "sources/worksection/worksection_json.hpp"

namespace rosterd::fuzz {
namespace {

using sources::FieldFilter;
using sources::JsonDocumentParser;


// The parsers' own parser, reused across inputs as a source reuses it across pages.
JsonDocumentParser& document_parser() {
  static JsonDocumentParser parser;
  return parser;
}

const FieldFilter& secrets_filter() {
  static const FieldFilter filter;  // pass/secret/token in any case (README, "Sync semantics")
  return filter;
}

// Error messages and warnings end up as one log line each: a line break or another
// control byte taken from a body (a vendor message, a JSON key in a path) would let
// a vendor forge log lines.
void check_line(const std::string& text, const char* what) {
  if (text.empty()) fail(std::string(what) + " is empty");
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (c < 0x20 || c == 0x7f) fail(std::string(what) + " has control byte " + std::to_string(c) + ": " + text);
  }
}

void check_error(const core::Error& error) { check_line(error.message, "error message"); }

void check_warnings(const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) check_line(warning, "warning");
}

void walk_keys(simdjson::dom::element element, const std::string& json) {
  // Each result is bound to a local: a range-for over a temporary simdjson_result
  // dangles (write_canonical in sources/json_record.cpp had the same bug).
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (element.get(object) == simdjson::SUCCESS) {
    for (const auto field : object) {
      if (secrets_filter().drops(field.key)) fail("a secret field reached a record: " + json);
      walk_keys(field.value, json);
    }
  } else if (element.get(array) == simdjson::SUCCESS) {
    for (const auto item : array) walk_keys(item, json);
  }
}

// SQLite's JSON1, which reporting queries use, for what simdjson 3.0.1 cannot read:
// integers beyond 64 bits, which rosterd writes for large doubles (1e19 is written
// 10000000000000000000) and which are valid JSON.
void check_with_sqlite(const std::string& json) {
  static sqlite3* db = [] {
    sqlite3* handle = nullptr;
    if (sqlite3_open(":memory:", &handle) != SQLITE_OK) fail("cannot open SQLite in memory");
    return handle;
  }();
  sqlite3_stmt* statement = nullptr;
  const char* sql = "SELECT json_valid(?1), (SELECT count(*) FROM json_tree(?1) WHERE typeof(key) = 'text' AND "
                    "(instr(lower(key), 'pass') OR instr(lower(key), 'secret') OR instr(lower(key), 'token')))";
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db));
  sqlite3_bind_text(statement, 1, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
  const bool row = sqlite3_step(statement) == SQLITE_ROW;
  const bool valid = row && sqlite3_column_int(statement, 0) == 1;
  const bool secret_key = row && sqlite3_column_int(statement, 1) != 0;
  sqlite3_finalize(statement);
  if (!valid) fail("stored JSON does not parse: " + json);
  if (secret_key) fail("a secret field reached a record: " + json);
}

// What rosterd stores must be valid JSON with no field the secrets filter drops, at
// any depth.
void check_stored_json(const std::string& json) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  const auto error = parser.parse(simdjson::padded_string(json)).get(root);
  if (error == simdjson::NUMBER_ERROR) return check_with_sqlite(json);
  if (error != simdjson::SUCCESS) fail("stored JSON does not parse: " + json);
  walk_keys(root, json);
}

void check_attributes(const model::Attributes& attributes) {
  for (const auto& [key, value] : attributes) {
    if (secrets_filter().drops(key)) fail("a secret attribute reached a record: " + key);
    check_stored_json(value);
  }
}

void check_unique_key(std::set<std::string>& seen, const std::string& key) {
  if (key.empty()) fail("a record with an empty id");
  if (!seen.insert(key).second) fail("id " + key + " twice in one accepted body");
}

void check_users(const std::vector<model::User>& users) {
  std::set<std::string> ids;
  for (const auto& user : users) {
    check_unique_key(ids, user.external_id);
    check_stored_json(model::snapshot_json(user));
  }
}

void check_entities(const std::vector<model::NamedEntity>& entities) {
  std::set<std::string> keys;
  for (const auto& entity : entities) {
    check_unique_key(keys, entity.key);
    check_stored_json(model::snapshot_json(entity));
  }
}

bool sqlite_json_valid(std::string_view text) {
  static sqlite3* db = [] {
    sqlite3* handle = nullptr;
    if (sqlite3_open(":memory:", &handle) != SQLITE_OK) fail("cannot open SQLite in memory");
    return handle;
  }();
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &statement, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db));
  sqlite3_bind_text(statement, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  const bool valid = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int(statement, 0) == 1;
  sqlite3_finalize(statement);
  return valid;
}

// JsonDocumentParser reads numbers beyond 64 bits by quoting them in a copy
// (json_numbers.hpp). That must never change what counts as JSON: what simdjson
// accepts it accepts, what simdjson refuses for any reason but a number it refuses
// with simdjson's error, and a body it accepts only thanks to the quoting is valid
// JSON to SQLite's parser, which reads such numbers.
void check_document(std::string_view input) {
  static simdjson::dom::parser plain = [] {
    simdjson::dom::parser parser;
    if (parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, JsonDocumentParser::k_max_depth)) {
      fail("cannot allocate a parser");
    }
    return parser;
  }();
  const auto code = plain.parse(input.data(), input.size(), true).error();
  auto ours = document_parser().parse(input);
  if (code == simdjson::SUCCESS && !ours) fail("a document simdjson accepts was refused: " + ours.error().message);
  if (code != simdjson::SUCCESS && code != simdjson::NUMBER_ERROR && ours) {
    fail(std::string("a document simdjson refuses was accepted: ") + simdjson::error_message(code));
  }
  if (code == simdjson::NUMBER_ERROR && ours && !sqlite_json_valid(input)) {
    fail("a document with a malformed number was accepted");
  }
  if (!ours) check_error(ours.error());
}

// The status an error-response parser sees: varied by the input, not read from it,
// so that every byte of the input stays body.
long status_for(std::string_view input) {
  static constexpr long k_statuses[] = {200, 400, 401, 403, 404, 429, 500, 503};
  return k_statuses[input.size() % std::size(k_statuses)];
}

template <class T, class Check>
void check_result(const core::Result<T>& result, Check&& check) {
  if (result) {
    check(*result);
  } else {
    check_error(result.error());
  }
}

}  // namespace

void class4(std::string_view input) {
  check_document(input);
  auto& parser = document_parser();
  check_result(sources::class4::parse_user_page(input, parser, secrets_filter()),
               [](const sources::class4::UserPage& page) {
                 check_users(page.users);
                 if (page.per_page > 0 && static_cast<std::int64_t>(page.users.size()) > page.per_page) {
                   fail("a page with more items than per_page was accepted");
                 }
               });
  check_result(sources::class4::parse_login(input, parser),
               [](const std::string& token) { check_line(token, "token"); });
  check_error(sources::class4::error_from_response(status_for(input), input, parser));
}

void crocodial(std::string_view input) {
  check_document(input);
  namespace croco = sources::crocodial;
  auto& parser = document_parser();
  const auto& filter = secrets_filter();
  check_result(croco::parse_envelope(input, parser),
               [](const croco::Envelope& envelope) { check_warnings(envelope.warnings); });
  check_result(croco::parse_user_list(input, parser, filter), [](const croco::UserListing& listing) {
    check_users(listing.users);
    check_entities(listing.campaigns);
    check_warnings(listing.warnings);
  });
  const auto check_listing = [](const croco::EntityListing& listing) {
    check_entities(listing.entities);
    check_warnings(listing.warnings);
  };
  check_result(croco::parse_portfolios(input, parser, filter), check_listing);
  check_result(croco::parse_profiles(input, parser, filter), check_listing);
  check_result(croco::parse_user_info(input, parser, filter),
               [](const model::UserInfoResult& result) { check_attributes(result.info.attributes); });
  check_result(croco::parse_live_agent_info(input, parser, filter), [](const model::AgentState& state) {
    check_line(state.status, "agent status");  // printed unquoted in the state's log line
    for (const auto* text : {&state.pause_reason, &state.campaign_id, &state.campaign_name, &state.call_type}) {
      if (*text) check_line(**text, "agent state field");
    }
    check_attributes(state.attributes);
  });
}

void smartflo(std::string_view input) {
  check_document(input);
  auto& parser = document_parser();
  check_result(sources::smartflo::parse_user_page(input, parser, secrets_filter()),
               [](const sources::smartflo::UserPage& page) {
                 check_users(page.users);
                 if (page.count != static_cast<std::int64_t>(page.users.size())) fail("count != data.size()");
               });
  check_result(sources::smartflo::parse_login(input, parser),
               [](const sources::smartflo::Login& login) { check_line(login.access_token, "token"); });
  check_error(sources::smartflo::error_from_response(status_for(input), input, parser));
}

void worksection(std::string_view input) {
  check_document(input);
  check_result(sources::worksection::parse_users(input, document_parser(), secrets_filter()),
               [](const std::vector<model::User>& users) { check_users(users); });
}

namespace {

// The shipped definitions (config/definitions/), read by the real loader.
const std::vector<config::SourceConfig>& rest_sources() {
  static const std::vector<config::SourceConfig> sources = [] {
    std::string yaml = "database: db\nsources:\n";
    const std::vector<std::pair<std::string, std::string>> definitions = {
        {"smartflo", "{email: e, password: p}"}, {"class4", "{user: u, password: p}"},
        {"worksection", "{api_key: k}"}, {"scim", "{token: t}"}};
    for (const auto& [name, parameters] : definitions) {
      yaml += "  - name: " + name + "\n    type: rest\n    url: https://api.example\n    definition: " +
              std::string(ROSTERD_SOURCE_DIR) + "/config/definitions/" + name + ".yaml\n    parameters: " + parameters +
              "\n";
    }
    return config::parse_config(yaml, "/etc/rosterd/rosterd.yaml", sources::source_schemas()).sources;
  }();
  return sources;
}

}  // namespace

void rest(std::string_view input) {
  check_document(input);
  auto& parser = document_parser();
  for (const auto& source : rest_sources()) {
    const sources::FieldFilter filter(source.drop_fields);
    check_result(sources::rest::parse_rest_page(200, input, parser, *source.definition, filter),
                 [](const sources::rest::RestPage& page) { check_users(page.users); });
    // An answer that is not a success is an error, whatever its body.
    auto refused = sources::rest::successful_body(status_for(input) == 200 ? 503 : status_for(input), input, parser,
                                                  source.definition->success);
    if (refused) fail("a status the definition does not accept was taken as a success");
    check_error(refused.error());
  }
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"class4", &class4, {"tests/fixtures/class4"}},
      {"crocodial", &crocodial, {"tests/fixtures/crocodial"}},
      {"smartflo", &smartflo, {"tests/fixtures/smartflo"}},
      {"worksection", &worksection, {"tests/fixtures/worksection"}},
      {"rest", &rest, {"tests/fixtures/smartflo", "tests/fixtures/class4", "tests/fixtures/worksection", "tests/fixtures/scim"}},
      {"config", &config, {"tests/fuzz/config_seeds", "config/rosterd.example.yaml"}},
  };
  return all;
}

}  // namespace rosterd::fuzz

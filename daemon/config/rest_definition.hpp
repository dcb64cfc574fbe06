#pragma once
// A declarative description of a JSON user directory: the `definition:` of a source of
// type `rest` (README, "Any JSON directory: the rest source type"). The loader reads and
// checks it (rest_definition_parser.cpp); sources/rest/ runs it. Everything here is
// data: no secret is ever part of a definition, which names the source's parameters
// (`{{token}}`) where credentials go.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rosterd::config {

// One step of a JsonPath.
struct PathStep {
  // A member name, or an array index when the value is an array and the token is a
  // decimal number (RFC 6901).
  std::string token;
  // "emails[primary=true]": then, in the array at `token`, the first element whose
  // member `match_key` reads as `match_value` (a JSON scalar's text: true, 12, work).
  std::optional<std::string> match_key;
  std::string match_value;
};

// A JSON pointer (RFC 6901, with ~0 and ~1) whose segments may end with a filter
// "[key=value]" that picks one element of an array. "" is the whole document.
struct JsonPath {
  std::string text;  // as written, for messages
  std::vector<PathStep> steps;
};

// Text with `{{parameter}}` references, resolved per source when a request is built.
struct Template {
  struct Part {
    bool parameter = false;
    std::string text;  // literal text, or the parameter's name
  };
  std::string text;  // as written
  std::vector<Part> parts;
};
using TemplateList = std::vector<std::pair<std::string, Template>>;  // in the order written

struct RestRequest {
  std::string method = "GET";  // GET or POST
  Template path;               // appended to the source's url
  TemplateList query;
  TemplateList headers;
  TemplateList form;  // an application/x-www-form-urlencoded body (POST)
  TemplateList json;  // a JSON object of strings as the body (POST); exclusive with form
};

// When a response is a success: its status is one of `statuses` and, when `pointer` is
// set, the body's value there reads as `equals` (or, with `negated`, is absent or reads
// as anything else: `not_equals`). A failure's message is read at `message`.
struct RestSuccess {
  std::vector<long> statuses = {200};
  std::optional<JsonPath> pointer;
  std::string equals;
  bool negated = false;
  std::optional<JsonPath> message;
};

enum class AuthKind { none, bearer, header, query, basic, form, signature, login };

struct RestAuth {
  AuthKind kind = AuthKind::none;
  Template value;     // bearer: the token; header, query: the key
  std::string name;   // header: the header's name; query, signature: the parameter's name
  Template username;  // basic
  Template password;  // basic
  TemplateList fields;  // form: sent with every request (query for GET, form body for POST)
  // signature: name = hex(algorithm(query string + key)), the query string being the
  // request's parameters as sent, before the signature is added (Worksection's `hash`).
  std::string algorithm;  // md5 or sha256
  Template key;
  // login: a request whose answer holds a token, cached for its lifetime and renewed once
  // when a request is answered 401.
  RestRequest login;
  RestSuccess login_success;
  JsonPath token;                      // where the login's answer holds the token
  std::optional<JsonPath> expires_in;  // seconds, in the answer
  std::optional<std::chrono::seconds> lifetime;  // when the answer says nothing
  std::string use_header = "Authorization";      // how the token is sent
  std::string use_prefix = "Bearer ";
  std::string use_query;  // set: as this query parameter instead of a header
};

enum class PagingKind { none, page, offset, cursor, link };

struct RestPaging {
  PagingKind kind = PagingKind::none;
  std::string param;          // page: the page number's; offset: the offset's; cursor: the cursor's
  long long first = 0;        // page: the first page's number; offset: the first offset (SCIM: 1)
  std::string size_param;     // page, offset: the page size's parameter
  Template size;              // its value
  std::optional<JsonPath> next;         // cursor: the next cursor in the answer
  std::optional<JsonPath> next_from_record;  // cursor: the next cursor is this field of the last record
  std::optional<JsonPath> has_more;     // cursor: whether another page follows
};

enum class Transform { lower, upper, email };

// One place a column's value may come from: a pointer, or several whose texts (those
// present) are joined with `separator`.
struct RestCandidate {
  std::vector<JsonPath> pointers;
  bool joined = false;
  std::string separator = " ";
  // The fields it reads leave the record's attributes (whether or not they give the
  // value); `keep: true` leaves them there as well.
  bool consume = true;
};

// Where one normalized column comes from: the first candidate that gives a value.
struct RestColumn {
  std::vector<RestCandidate> first;
  std::vector<Transform> transforms;
  // A value map: the read text (a JSON scalar's text) -> the column's text ("true" and
  // "false" for active; "" for NULL); a value not in the map reads as `otherwise` when
  // it is set, and is an error for `active`, kept as is for a text column.
  std::vector<std::pair<std::string, std::string>> map;
  std::optional<std::string> otherwise;
};

struct RestColumns {
  std::optional<RestColumn> username, full_name, email, phone, extension, role, user_group, active;
};

struct RestParameter {
  std::string name;
  bool secret = false;
  std::optional<std::string> fallback;  // `default:`; none: the source must give it
};

struct RestDefinition {
  std::string file;  // where it was written (the configuration, or the file it names)
  std::vector<RestParameter> parameters;
  RestAuth auth;
  RestRequest request;
  RestPaging paging;
  RestSuccess success;
  JsonPath records;               // the array of records in each page
  JsonPath id;                    // each record's external id
  std::optional<JsonPath> total;  // the listing's size, in each page: must equal what was listed
  std::optional<JsonPath> count;  // the page's own number of records, when the answer says it
  // offset and page paging: when the total changes between pages (users added or removed
  // while listing), list once more from the start, this many times, before failing.
  int relist = 0;
  RestColumns columns;
  std::vector<std::string> volatile_fields;  // attributes kept current, never history
  std::vector<std::string> drop_fields;      // vendor fields never stored
  // A fingerprint of everything that decides what a record becomes: stored digests of
  // vendor records made under another definition are not trusted.
  std::string fingerprint;
};

}  // namespace rosterd::config

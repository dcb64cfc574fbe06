#include "config/config_keys.hpp"

#include <algorithm>

namespace rosterd::config {
namespace {

constexpr std::string_view k_template = "template (text with {{NAME}} parameters)";
constexpr std::string_view k_pointer = "JSON pointer";
constexpr std::string_view k_templates = "map of name: template";

// Grouped by map, each map's keys in the order the reference lists them.
constexpr ConfigKey k_keys[] = {
    // --- the top level ---------------------------------------------------------------
    {"", "database", "file path, or postgresql:// URI", "",
     "Required. The SQLite database rosterd writes and reporting tools read (a relative path resolves against the "
     "configuration's directory), or a PostgreSQL database as a libpq URI, its password from ${credential:NAME}, "
     "~/.pgpass or PGPASSFILE: several rosterd run on several hosts may then share it."},
    {"", "log_level", "trace, debug, info, warn or error", "info", "How much rosterd logs; --log-level overrides it."},
    {"", "concurrency", "whole number 1..256", "4",
     "How many runs rosterd run lets parse, plan and write at once; runs waiting on their vendors do not count."},
    {"", "defaults", "map", "",
     "Source keys (those marked \"also in defaults\", and vendor keys) for every source whose type takes them; a "
     "source's own value wins. Checked once, where written, against every type that takes the key."},
    {"", "claim_timeout", "duration, at least 1s", "30s",
     "PostgreSQL only: how long an instance's claim on a source outlives its last renewal, so how long a source "
     "waits for another instance after its own died or froze."},
    {"", "metrics", "map", "",
     "Prometheus metrics (README, \"Monitoring\"): the endpoint of rosterd run, the textfile of rosterd sync."},
    {"", "retention", "map of table: duration", "",
     "How long rows of the bookkeeping tables are kept (README, \"Retention\"); a table not named keeps them "
     "forever. rosterd run deletes older ones every hour, in batches of 1,000 rows; rosterd prune once."},
    {"", "sources", "list of sources", "", "The sources, one tenant of one vendor each. None is a warning."},

    // --- metrics -------------------------------------------------------------------------
    {"metrics", "listen", "HOST:PORT (an IP address, [IPv6] or localhost; port 0: any free one)", "",
     "rosterd run serves /metrics, /healthz and /readyz there. None without it. An address other than loopback "
     "is refused unless allow_non_loopback is true: the endpoint has no authentication."},
    {"metrics", "allow_non_loopback", "true or false", "false",
     "Allows listen to name an address other hosts reach. Put a proxy with TLS and authentication in front."},
    {"metrics", "textfile", "file path ending in .prom, in an existing directory", "",
     "rosterd sync writes its metrics there after its runs, for node_exporter's textfile collector: written "
     "beside it and renamed over it, mode 0644."},

    // --- retention -----------------------------------------------------------------------
    {"retention", "sync_runs", "duration (at least 1h), or forever", "forever",
     "Runs that ended before it and changed nothing, failed, were refused or interrupted; a run another table "
     "names stays, as do the latest and the latest ok run of each dataset."},
    {"retention", "agent_status_log", "duration (at least 1h), or forever", "forever",
     "Agent state intervals that ended before it."},
    {"retention", "user_stats", "duration (at least 1h), or forever", "forever", "Days of statistics before it."},
    {"retention", "changes", "duration (at least 1h), or forever", "forever",
     "The audit log's rows recorded before it; the versions of user_versions stay (history takes no retention)."},

    // --- a source ----------------------------------------------------------------------
    {"sources[]", "name", "lower-case letters, digits, _ and -", "",
     "Required. Unique: names the source in the logs, the database and --source.", KeyRole::identity},
    {"sources[]", "type", "a source type", "", "Required. The vendor's type (SOURCE TYPES).", KeyRole::identity},
    {"sources[]", "url", "http or https URL", "",
     "Required. The vendor's API address; requests never follow a redirect to another scheme, host or port.",
     KeyRole::identity},
    {"sources[]", "datasets", "list of datasets", "the type's default datasets",
     "The datasets to sync, each one the type has.", KeyRole::shared},
    {"sources[]", "interval", "duration", "15m",
     "How often each dataset is synced: 30s, 5m, 1h, 1h30m or seconds. Below 30s is accepted with a warning: "
     "vendors rate-limit their APIs.",
     KeyRole::shared},
    {"sources[]", "timeout", "duration", "30s", "One HTTP request, start to finish.", KeyRole::shared},
    {"sources[]", "connect_timeout", "duration", "10s", "The TCP and TLS handshake.", KeyRole::shared},
    {"sources[]", "retries", "whole number 0..20", "4",
     "Retries of timeouts, connection errors, HTTP 429 and 5xx, with a growing back-off.", KeyRole::shared},
    {"sources[]", "max_remove_ratio", "number 0..1", "0.5",
     "Refuse a run that would remove more than this share of the source's users (rosterd sync --force applies it).",
     KeyRole::shared},
    {"sources[]", "drop_fields", "list of field names", "[]",
     "Vendor fields never stored, besides those named like a secret (pass, secret, token).", KeyRole::shared},
    {"sources[]", "ca_file", "file path", "the system's CA certificates",
     "A CA bundle to verify the vendor's certificate with, for a certificate a private CA issued.", KeyRole::shared},
    {"sources[]", "max_response_bytes", "size: bytes, or KB, MB, GB (x1000), KiB, MiB, GiB (x1024)", "64MiB",
     "The largest answer accepted, counted while it arrives.", KeyRole::shared},
    {"sources[]", "volatile_fields", "map: add, remove", "the type's volatile fields",
     "Presence attributes (changing whenever an agent logs in) kept current in users but never a version or a "
     "change: add names more attribute keys, remove takes some of the type's out.",
     KeyRole::source_only},
    {"sources[]", "definition", "map, or the path of a YAML file holding one", "",
     "Required for a declarative type (rest): the definition of the vendor's API (REST DEFINITIONS), or the file "
     "holding it (relative to the configuration's directory; shipped ones are in share/rosterd/definitions).",
     KeyRole::declarative},
    {"sources[]", "parameters", "map of NAME: value", "",
     "A declarative type's source: the values of the parameters its definition declares, a secret one through "
     "${credential:NAME}, ${file:PATH} or ${env:NAME}.",
     KeyRole::declarative},

    {"sources[].volatile_fields", "add", "list of attribute keys", "", "More attributes that are presence data."},
    {"sources[].volatile_fields", "remove", "list of the type's volatile fields", "",
     "Volatile fields of the type to keep the history of after all."},

    // --- a rest definition ----------------------------------------------------------------
    {"definition", "parameters", "map of NAME: {secret, default}", "",
     "What differs per source; templates refer to a parameter as {{NAME}} (definition.parameters.NAME)."},
    {"definition", "auth", "map", "type: none", "How requests authenticate (definition.auth)."},
    {"definition", "request", "map", "", "Required. The listing's request (definition.request)."},
    {"definition", "paging", "map", "type: none", "How the listing is paged (definition.paging)."},
    {"definition", "success", "map", "status: 200", "When an answer is a success (definition.success)."},
    {"definition", "records", k_pointer, "", "Required. Each page's array of users."},
    {"definition", "id", k_pointer, "", "Required. Each user's id, within the user: a string or an integer."},
    {"definition", "total", k_pointer, "",
     "The listing's size, in every page: it must not change while paging, and the listing must end with exactly "
     "that many records."},
    {"definition", "count", k_pointer, "", "The page's own number of records: it must equal the records received."},
    {"definition", "relist", "whole number 0..3", "0",
     "Paging type page or offset: how many times a listing that shifted (a changed total, a repeated id) is listed "
     "again from the start before the run fails."},
    {"definition", "columns", "map", "", "Required. Where each normalized column comes from (definition.columns)."},
    {"definition", "volatile_fields", "list of attribute keys", "",
     "Attributes kept current but never history (presence data)."},
    {"definition", "drop_fields", "list of field names", "", "Fields never stored, besides the secrets."},

    {"definition.parameters.NAME", "secret", "true or false", "false",
     "A credential: registered for redaction and warned about when written literally in a readable file; a secret "
     "parameter takes no default."},
    {"definition.parameters.NAME", "default", "text", "", "The value when the source gives none."},

    {"definition.request", "method", "GET or POST", "GET", "The HTTP method."},
    {"definition.request", "path", k_template, "", "Required. Appended to the source's url."},
    {"definition.request", "query", k_templates, "", "Query parameters."},
    {"definition.request", "headers", k_templates, "", "Request headers."},
    {"definition.request", "form", k_templates, "", "A form body (method POST)."},
    {"definition.request", "json", k_templates, "", "A JSON object of strings as the body (method POST); not with form."},

    {"definition.success", "status", "HTTP status, or a list of them", "200", "The statuses that are a success."},
    {"definition.success", "pointer", k_pointer, "",
     "With equals or not_equals: a condition on the body, for vendors that answer errors with HTTP 200."},
    {"definition.success", "equals", "text", "", "The body's value at pointer must read so."},
    {"definition.success", "not_equals", "text", "", "The body's value at pointer must be absent or read otherwise."},
    {"definition.success", "message", k_pointer, "", "Where a failure's message is."},

    {"definition.auth", "type", "none, bearer, header, query, basic, form, signature or login", "",
     "Required. How requests authenticate; the other keys depend on it."},
    {"definition.auth", "token", k_template, "", "The bearer token.", KeyRole::plain, "bearer"},
    {"definition.auth", "name", "text", "", "The header's name (header) or the query parameter's (query).",
     KeyRole::plain, "header query"},
    {"definition.auth", "value", k_template, "", "The key sent there.", KeyRole::plain, "header query"},
    {"definition.auth", "username", k_template, "", "The user name.", KeyRole::plain, "basic"},
    {"definition.auth", "password", k_template, "", "The password.", KeyRole::plain, "basic"},
    {"definition.auth", "fields", k_templates, "",
     "Sent with every request: in the query of a GET, in the body of a POST.", KeyRole::plain, "form"},
    {"definition.auth", "name", "text", "", "The query parameter that carries the signature.", KeyRole::plain,
     "signature"},
    {"definition.auth", "algorithm", "md5 or sha256", "",
     "The hash: the parameter name is the hex hash of the query string followed by key.", KeyRole::plain,
     "signature"},
    {"definition.auth", "key", k_template, "", "The secret appended before hashing.", KeyRole::plain, "signature"},
    {"definition.auth", "request", "map (as definition.request)", "", "The login request.", KeyRole::plain, "login"},
    {"definition.auth", "success", "map (as definition.success)", "status: 200", "When the login succeeded.",
     KeyRole::plain, "login"},
    {"definition.auth", "token", k_pointer, "",
     "Where the login's answer holds the token, cached for its lifetime less a tenth (at most 5 minutes) and "
     "renewed once when a request is answered 401.",
     KeyRole::plain, "login"},
    {"definition.auth", "expires_in", k_pointer, "", "Where the answer holds the token's lifetime in seconds.",
     KeyRole::plain, "login"},
    {"definition.auth", "lifetime", "duration, at least 1s", "", "The token's lifetime when the answer has none.",
     KeyRole::plain, "login"},
    {"definition.auth", "send", "map: header and prefix, or query", "header: Authorization, prefix: \"Bearer \"",
     "How the token is sent (definition.auth.send).", KeyRole::plain, "login"},

    {"definition.auth.send", "header", "header name", "Authorization", "The header that carries the token."},
    {"definition.auth.send", "prefix", "text", "\"Bearer \"", "Written before the token in the header."},
    {"definition.auth.send", "query", "query parameter name", "", "The query parameter that carries it instead."},

    {"definition.paging", "type", "none, page, offset, cursor or link", "none",
     "How the listing is paged; link follows the Link: <...>; rel=\"next\" header, on the same host only."},
    {"definition.paging", "param", "query parameter name", "",
     "Required: the page number's (page), the offset's (offset) or the cursor's (cursor).", KeyRole::plain,
     "page offset cursor"},
    {"definition.paging", "first", "0 or 1", "0", "The first page's number, or the first offset.", KeyRole::plain,
     "page offset"},
    {"definition.paging", "size_param", "query parameter name", "",
     "The page size's parameter, with size (required for offset: the next offset is the last plus the records "
     "received).",
     KeyRole::plain, "page offset"},
    {"definition.paging", "size", k_template, "", "The page size sent.", KeyRole::plain, "page offset"},
    {"definition.paging", "next", k_pointer, "", "The next cursor, in the answer.", KeyRole::plain, "cursor"},
    {"definition.paging", "next_from_record", k_pointer, "",
     "Instead of next: the next cursor is this field of the page's last record (needs has_more).", KeyRole::plain,
     "cursor"},
    {"definition.paging", "has_more", k_pointer, "", "Whether another page follows.", KeyRole::plain, "cursor"},

    {"definition.columns", "username", "JSON pointer, or a map (definition.columns.COLUMN)", "", "The user name."},
    {"definition.columns", "full_name", "as username", "", "The full name."},
    {"definition.columns", "email", "as username", "", "The e-mail address (stored lower-case)."},
    {"definition.columns", "phone", "as username", "", "The phone number."},
    {"definition.columns", "extension", "as username", "", "The telephone extension."},
    {"definition.columns", "role", "as username", "", "The role (stored lower-case)."},
    {"definition.columns", "user_group", "as username", "", "The group or team."},
    {"definition.columns", "active", "as username; its map's values are true, false or null", "",
     "Whether the user is active; a value its map lacks is an error unless otherwise is set."},

    {"definition.columns.COLUMN", "pointer", k_pointer, "", "Where the value is."},
    {"definition.columns.COLUMN", "join", "list of JSON pointers", "", "The texts present, joined with separator."},
    {"definition.columns.COLUMN", "separator", "text", "\" \"", "Between the texts join reads."},
    {"definition.columns.COLUMN", "keep", "true or false", "false",
     "Leave the fields read in attributes too (they leave them otherwise)."},
    {"definition.columns.COLUMN", "first", "list of candidates", "",
     "The first candidate that has a value: a pointer, or a map (definition.columns.COLUMN.first[])."},
    {"definition.columns.COLUMN", "transform", "lower, upper or email, or a list of them", "",
     "Applied to the value; email keeps only a value that looks like an address."},
    {"definition.columns.COLUMN", "map", "map of value: column value", "", "Translates the values read."},
    {"definition.columns.COLUMN", "otherwise", "text, or null", "", "With map: the value of what the map lacks."},

    {"definition.columns.COLUMN.first[]", "pointer", k_pointer, "", "Where the value is."},
    {"definition.columns.COLUMN.first[]", "join", "list of JSON pointers", "",
     "The texts present, joined with separator."},
    {"definition.columns.COLUMN.first[]", "separator", "text", "\" \"", "Between the texts join reads."},
    {"definition.columns.COLUMN.first[]", "keep", "true or false", "false", "Leave the fields read in attributes too."},
};

// Whether `only_for` (types separated by spaces) names `variant`.
bool names(std::string_view only_for, std::string_view variant) {
  while (!only_for.empty()) {
    const auto end = std::min(only_for.find(' '), only_for.size());
    if (only_for.substr(0, end) == variant) return true;
    only_for.remove_prefix(std::min(end + 1, only_for.size()));
  }
  return false;
}

void add_once(std::vector<std::string>& keys, std::string_view key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.emplace_back(key);
}

}  // namespace

std::span<const ConfigKey> config_keys() { return k_keys; }

std::vector<std::string> keys_of(std::string_view map, std::string_view variant) {
  std::vector<std::string> keys;
  for (const auto& row : k_keys) {
    if (row.map != map) continue;
    if (!variant.empty() && !row.only_for.empty() && !names(row.only_for, variant)) continue;
    add_once(keys, row.key);
  }
  return keys;
}

std::vector<std::string> keys_of(std::string_view map, KeyRole role) {
  std::vector<std::string> keys;
  for (const auto& row : k_keys) {
    if (row.map == map && row.role == role) add_once(keys, row.key);
  }
  return keys;
}

std::vector<std::string_view> config_maps() {
  std::vector<std::string_view> maps;
  for (const auto& row : k_keys) {
    if (std::find(maps.begin(), maps.end(), row.map) == maps.end()) maps.push_back(row.map);
  }
  return maps;
}

}  // namespace rosterd::config

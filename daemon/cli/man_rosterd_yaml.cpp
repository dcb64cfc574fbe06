// rosterd.yaml(5): every key of the configuration file, from the table the parser reads
// its known keys from (config/config_keys.cpp) and from each source type's schema
// (sources/registry.cpp), around the sections written here by hand.

#include <fmt/format.h>

#include "cli/reference_pages.hpp"
#include "cli/roff.hpp"
#include "config/config_keys.hpp"

namespace rosterd::cli {
namespace {

using config::ConfigKey;
using config::KeyRole;

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

// One key: its name and value as the tag, its help, default and where it applies.
std::string key_entry(const ConfigKey& key) {
  std::string body(key.help);
  if (!key.default_value.empty()) body += fmt::format(" Default: {}.", key.default_value);
  if (key.role == KeyRole::shared) body += " Also in defaults.";
  if (key.role == KeyRole::source_only) body += " Not in defaults.";
  if (!key.only_for.empty()) {
    std::string types(key.only_for);
    for (auto& c : types) c = c == ' ' ? ',' : c;
    body += fmt::format(" For type {}.", types);
  }
  return roff::tagged(roff::bold(key.key) + " (" + roff::italic(key.value) + ")", body);
}

std::string keys_of_map(std::string_view map) {
  std::string out;
  for (const auto& key : config::config_keys()) {
    if (key.map == map) out += key_entry(key);
  }
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The maps under a top-level key (metrics, retention, ...): those that are neither a
// source's nor a definition's.
bool top_level_section(std::string_view map) {
  return !map.empty() && !starts_with(map, config::k_source_map) && !starts_with(map, "definition");
}

std::string source_type(const config::SourceTypeSchema& type) {
  std::string out = ".SS \"type " + roff::text(type.type) + "\"\n" + roff::text(type.description) + ".\n";
  out += ".PP\nDatasets: " + roff::text(joined(type.datasets)) + ".\n";
  const auto& defaults = type.default_datasets.empty() ? type.datasets : type.default_datasets;
  if (defaults != type.datasets) out += "Synced unless datasets says otherwise: " + roff::text(joined(defaults)) + ".\n";
  if (!type.credentials.empty()) {
    std::vector<std::string> ways;
    for (const auto& way : type.credentials) ways.push_back(joined(way, " and "));
    out += "Credentials: " + roff::text(joined(ways, ", or ")) + ".\n";
  }
  if (!type.volatile_fields.empty()) out += "Volatile fields: " + roff::text(joined(type.volatile_fields)) + ".\n";
  if (type.declarative) {
    out += "A source of this type takes definition and parameters (REST DEFINITIONS).\n";
  }
  for (const auto& setting : type.settings) {
    std::string body = setting.help;
    if (!setting.default_value.empty()) body += fmt::format(" Default: {}.", setting.default_value);
    if (setting.secret) body += " A credential: give it with ${credential:NAME}.";
    out += roff::tagged(roff::bold(setting.key) + " (" + roff::italic(config::describe_value(setting)) + ")", body);
  }
  return out;
}

constexpr std::string_view k_yaml_description = R"(.SH DESCRIPTION
The configuration of \fBrosterd\fR(8) is one YAML file: \fB\-\-config\fR \fIPATH\fR, else
\fB$ROSTERD_CONFIG\fR, else \fI/etc/rosterd/rosterd.yaml\fR.
Loading is strict: an unknown key (with a \(lqdid you mean\(rq), a bad value, a duplicate
source name, an unknown type or a credential that cannot be read is an error naming the
file, the line and the key, and every problem of the file is reported at once.
\fBrosterd check\fR checks a file.
.PP
Any string value may use \fB${credential:\fR\fINAME\fR\fB}\fR (a systemd credential, read
from \fB$CREDENTIALS_DIRECTORY\fR), \fB${file:\fR\fIPATH\fR\fB}\fR (a file's content less
one trailing newline), \fB${env:\fR\fINAME\fR\fB}\fR (an environment variable);
\fB$${\fR is a literal \fB${\fR.
Relative paths resolve against the configuration file's directory.
A credential written literally in a file that group or others can read is warned about.
.PP
A \fIduration\fR is 30s, 5m, 1h, 1h30m or plain seconds.
A \fIJSON pointer\fR follows RFC 6901, and \fIname[key=value]\fR picks the first element of
the array \fIname\fR whose member \fIkey\fR reads as \fIvalue\fR.
)";

constexpr std::string_view k_end = R"(.SH EXAMPLE
.nf
database: /var/lib/rosterd/roster.db
defaults:
  interval: 15m
sources:
  \- name: idp
    type: rest
    url: https://idp.example.com/scim/v2
    definition: definitions/scim.yaml
    parameters:
      token: ${credential:vendor_idp\-token}
.fi
.PP
A SCIM directory, through a copy of the shipped definition in
\fI/etc/rosterd/definitions/\fR.
\fIshare/doc/rosterd/config/rosterd.example.yaml\fR, under rosterd's installation prefix,
shows every source type with its keys.
.SH FILES
.TP
.I /etc/rosterd/rosterd.yaml
The default configuration: root:rosterd, mode 0640, so that the service (group
\fBrosterd\fR) reads it and other users do not.
.TP
.I /etc/rosterd/credentials/
One file per secret, root only; the bundled unit hands each to rosterd as the credential
\fIvendor_<file name>\fR.
.TP
.I share/rosterd/definitions/
Under rosterd's installation prefix: the shipped definitions (scim.yaml and others), for a
source's \fBdefinition\fR.
.SH SEE ALSO
.BR rosterd (8)
)";

}  // namespace

std::string rosterd_yaml_5(std::span<const config::SourceTypeSchema> types, std::string_view version) {
  std::string page = fmt::format(".TH ROSTERD.YAML 5 \"\" \"rosterd {}\" \"File Formats\"\n", version);
  page += ".nh\n.ad l\n";  // key names and paths are neither hyphenated nor stretched
  page += ".SH NAME\nrosterd.yaml \\- the configuration of rosterd\n";
  page += ".SH SYNOPSIS\n.I /etc/rosterd/rosterd.yaml\n";
  page += k_yaml_description;
  page += ".SH TOP-LEVEL KEYS\n" + keys_of_map(config::k_top_level);
  for (const auto map : config::config_maps()) {
    if (top_level_section(map)) page += ".SS \"" + roff::text(map) + "\"\n" + keys_of_map(map);
  }
  page += ".SH SOURCES\nEach entry of \\fBsources\\fR is one tenant of one vendor.\n";
  page += "The keys marked \\(lqalso in defaults\\(rq may be set once in \\fBdefaults\\fR for every source; ";
  page += "so may a source type's own keys, for every source whose type takes them.\n";
  page += keys_of_map(config::k_source_map);
  for (const auto map : config::config_maps()) {
    if (map != config::k_source_map && starts_with(map, config::k_source_map)) {
      page += ".SS \"" + roff::text(map) + "\"\n" + keys_of_map(map);
    }
  }
  page += ".SH SOURCE TYPES\nEach type's own keys, besides those every source takes.\n";
  for (const auto& type : types) page += source_type(type);
  page += ".SH REST DEFINITIONS\nA source of a declarative type (\\fBrest\\fR) describes the vendor's JSON API in its ";
  page += "\\fBdefinition\\fR: a map, or a YAML file holding one. A definition takes no ${...}: what differs per ";
  page += "source is a parameter, written {{NAME}} in a template, and given in the source's \\fBparameters\\fR.\n";
  for (const auto map : config::config_maps()) {
    if (starts_with(map, "definition")) page += ".SS \"" + roff::text(map) + "\"\n" + keys_of_map(map);
  }
  page += k_end;
  return page;
}

}  // namespace rosterd::cli

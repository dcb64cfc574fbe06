// Every kind of configuration error names the file, the line and the key.

#include "config_fixture.hpp"

namespace rosterd::config::testing {
namespace {

// One valid source at line 3; tests append lines to it or replace it.
const std::string k_head = "database: db\nsources:\n";
const std::string k_dialer = "  - name: acme-dialer\n    type: crocodial\n    url: https://acme.example\n";

TEST_F(ConfigTest, UnknownTopLevelKeySuggestsTheClosestKnownKey) {
  EXPECT_EQ(error_of("database: db\nsorces: []\n"), at(2, "sorces: unknown key (did you mean \"sources\"?)"));
  EXPECT_EQ(error_of("database: db\nplugins: []\n"), at(2, "plugins: unknown key"));
}

TEST_F(ConfigTest, UnknownSourceKeyNamesTheTypeAndSuggests) {
  EXPECT_EQ(error_of(k_head + k_dialer + "    pasword: x\n"),
            at(6, "sources[0].pasword: unknown key for type crocodial (did you mean \"password\"?)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    api_key: x\n"),
            at(6, "sources[0].api_key: unknown key for type crocodial (its own keys are: user, password, page_size)"));
}

TEST_F(ConfigTest, BadDurationIsQuotedWithTheAcceptedForms) {
  EXPECT_EQ(error_of(k_head + k_dialer +
                     "  - name: b\n    type: worksection\n    url: https://b.example\n"
                     "    interval: 5x\n"),
            at(9, "sources[1].interval: \"5x\" is not a duration (use 30s, 5m, 1h or seconds)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    timeout: 0s\n"),
            at(6, "sources[0].timeout: \"0s\" must be greater than 0"));
  m_vars["EVERY"] = "soon";
  EXPECT_EQ(
      error_of("database: db\ndefaults:\n  connect_timeout: ${env:EVERY}\n"),
      at(3, "defaults.connect_timeout: \"soon\" (from ${env:EVERY}) is not a duration (use 30s, 5m, 1h or seconds)"));
}

TEST_F(ConfigTest, DuplicateSourceNameNamesTheFirstOne) {
  EXPECT_EQ(error_of(k_head + k_dialer + "  - type: worksection\n    name: acme-dialer\n    url: https://b.example\n"),
            at(7, "sources[1].name: \"acme-dialer\" is already the name of sources[0] (line 3)"));
}

TEST_F(ConfigTest, SourceNameMustBeLowerCaseWordCharacters) {
  EXPECT_EQ(
      error_of(k_head + "  - name: Acme Dialer\n    type: crocodial\n    url: https://a.example\n"),
      at(3, "sources[0].name: \"Acme Dialer\" is not a valid name (use lower-case letters, digits, '_' and '-')"));
}

TEST_F(ConfigTest, UnknownTypeSuggestsAndListsTheKnownTypes) {
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: crocodail\n    url: https://a.example\n"),
            at(4,
               "sources[0].type: unknown type \"crocodail\" (did you mean \"crocodial\"?) "
               "(known types: crocodial, smartflo, worksection)"));
}

TEST_F(ConfigTest, UrlMustBeHttpOrHttpsWithAHost) {
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: crocodial\n    url: ftp://a.example/users\n"),
            at(5, "sources[0].url: \"ftp://a.example/users\" must start with http:// or https://"));
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: crocodial\n    url: https://\n"),
            at(5, "sources[0].url: \"https://\" has no host"));
  // User-info is refused, and not echoed back.
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: crocodial\n    url: https://admin:hunter2@a.example/x\n"),
            at(5, "sources[0].url: \"https://a.example/x\" must not contain user:password@ (use the source's keys)"));
}

TEST_F(ConfigTest, RequiredSourceKeysAreReportedAtTheSourceBlock) {
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: crocodial\n"), at(3, "sources[0].url: is required"));
  EXPECT_EQ(error_of(k_head + "  - type: crocodial\n    url: https://a.example\n"),
            at(3, "sources[0].name: is required"));
  EXPECT_EQ(error_of("sources: []\n"), config_path() + ": database: is required (the SQLite file rosterd writes, or a postgresql:// URI)");
  EXPECT_EQ(error_of(""), config_path() + ": database: is required (the SQLite file rosterd writes, or a postgresql:// URI)");
}

TEST_F(ConfigTest, DatasetsMustBelongToTheTypeOnceEach) {
  EXPECT_EQ(error_of(k_head + "  - name: a\n    type: worksection\n    url: https://a.example\n"
                              "    datasets:\n      - users\n      - portfolios\n"),
            at(8, "sources[0].datasets[1]: \"portfolios\" is not a dataset of type worksection (it has: users)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    datasets: [users, user_stats, users]\n"),
            at(6, "sources[0].datasets[2]: \"users\" is listed twice"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    datasets: []\n"), at(6, "sources[0].datasets: lists no dataset"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    datasets: users\n"),
            at(6, "sources[0].datasets: expected a list, got a string"));
}

TEST_F(ConfigTest, ADefaultDatasetATypeLacksIsReportedAtTheDefaultForThatSource) {
  EXPECT_EQ(error_of("database: db\ndefaults:\n  datasets: [users, campaigns]\nsources:\n" + k_dialer +
                     "  - {name: b, type: worksection, url: 'https://b.example'}\n"),
            at(3,
               "defaults.datasets[1]: \"campaigns\" is not a dataset of type worksection (it has: users) "
               "(the default for sources[1] \"b\"; give it its own datasets)"));
}

TEST_F(ConfigTest, UnresolvableReferencesNameTheKeyAndWhatIsMissing) {
  EXPECT_EQ(error_of(k_head + k_dialer + "    password: ${env:CROCO_PASS}\n"),
            at(6, "sources[0].password: ${env:CROCO_PASS}: environment variable CROCO_PASS is not set"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    password: ${file:secret/croco.pass}\n"),
            at(6, "sources[0].password: ${file:secret/croco.pass}: cannot read " + path("secret/croco.pass") +
                      ": No such file or directory"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    password: ${credential:croco}\n"),
            at(6,
               "sources[0].password: ${credential:croco}: $CREDENTIALS_DIRECTORY is not set (pass the credential "
               "with LoadCredential= in the systemd unit, or use ${file:PATH} or ${env:NAME})"));
  m_env.credentials_directory = path("creds");
  EXPECT_EQ(error_of(k_head + k_dialer + "    password: ${credential:croco}\n"),
            at(6, "sources[0].password: ${credential:croco}: cannot read credential croco in $CREDENTIALS_DIRECTORY (" +
                      path("creds") + "): No such file or directory"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    password: ${credential:../rosterd.yaml}\n"),
            at(6, "sources[0].password: ${credential:../rosterd.yaml}: a credential name cannot contain '/'"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    user: ${env:}\n"), at(6, "sources[0].user: ${env:} names nothing"));
}

TEST_F(ConfigTest, YamlSyntaxErrorsCarryTheirLine) {
  EXPECT_EQ(error_of("database: db\nsources: [\n  {name: a\n"),
            at(4, "invalid YAML: end of map flow not found (column 1)"));
  EXPECT_EQ(error_of("database: db\nlog_level: info: debug\n"), at(2, "invalid YAML: illegal map value (column 16)"));
}

TEST_F(ConfigTest, WrongValueTypesSayWhatWasExpected) {
  EXPECT_EQ(error_of(k_head + k_dialer + "    user: [a, b]\n"),
            at(6, "sources[0].user: expected a string, got a list"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    user:\n      first: a\n"),
            at(6, "sources[0].user: expected a string, got a map"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    user:\n"), at(6, "sources[0].user: expected a string, got no value"));
  EXPECT_EQ(error_of("database: db\nsources:\n  name: a\n"), at(2, "sources: expected a list of sources, got a map"));
  EXPECT_EQ(error_of(k_head + "  - acme\n"), at(3, "sources[0]: expected a map of keys, got a string"));
  EXPECT_EQ(error_of("- database: db\n"), at(1, "expected a map of keys, got a list"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    drop_fields: [a, [b]]\n"),
            at(6, "sources[0].drop_fields[1]: expected a string, got a list"));
}

TEST_F(ConfigTest, OutOfRangeAndMalformedNumbersAreQuoted) {
  EXPECT_EQ(error_of(k_head + k_dialer + "    retries: 21\n"),
            at(6, "sources[0].retries: \"21\" is out of range (0..20)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    retries: 2.5\n"),
            at(6, "sources[0].retries: \"2.5\" is not a whole number"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    max_remove_ratio: 1.5\n"),
            at(6, "sources[0].max_remove_ratio: \"1.5\" is out of range (0..1)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    max_response_bytes: 12XB\n"),
            at(6, "sources[0].max_response_bytes: \"12XB\" is not a size (use bytes, or KB, MB, GB, KiB, MiB, GiB)"));
  EXPECT_EQ(error_of("database: db\nconcurrency: 0\n"), at(2, "concurrency: \"0\" is out of range (1..256)"));
  EXPECT_EQ(error_of("database: db\nlog_level: verbose\n"),
            at(2, "log_level: \"verbose\" is not a log level (trace, debug, info, warn or error)"));
}

TEST_F(ConfigTest, CaFileMustBeAReadableFile) {
  EXPECT_EQ(error_of(k_head + k_dialer + "    ca_file: ca.pem\n"),
            at(6, "sources[0].ca_file: " + path("ca.pem") + ": No such file or directory"));
  write("certs/x", "");
  EXPECT_EQ(error_of(k_head + k_dialer + "    ca_file: certs\n"),
            at(6, "sources[0].ca_file: " + path("certs") + ": is a directory"));
}

TEST_F(ConfigTest, DefaultsRejectPerSourceKeysAndKeysNoTypeAccepts) {
  EXPECT_EQ(error_of("database: db\ndefaults:\n  url: https://a.example\n"),
            at(3, "defaults.url: cannot be a default: every source sets its own"));
  EXPECT_EQ(error_of("database: db\ndefaults:\n  page_sise: 10\n"),
            at(3, "defaults.page_sise: no source type accepts this key (did you mean \"page_size\"?)"));
  EXPECT_EQ(error_of("database: db\ndefaults: [interval]\n"), at(2, "defaults: expected a map of keys, got a list"));
}

TEST_F(ConfigTest, DuplicateKeysAreErrorsRatherThanSilentlyResolved) {
  EXPECT_EQ(error_of("database: db\nlog_level: info\nlog_level: debug\n"),
            at(3, "log_level: duplicate key (first given at line 2)"));
  EXPECT_EQ(error_of(k_head + k_dialer + "    url: https://other.example\n"),
            at(6, "sources[0].url: duplicate key (first given at line 5)"));
}

}  // namespace
}  // namespace rosterd::config::testing

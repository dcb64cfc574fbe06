// Secrets: registered for redaction as soon as they are read, absent from every error
// and warning, and a warning for literal secrets in a file others can read.

#include "config_fixture.hpp"
#include "core/secrets.hpp"

namespace rosterd::config::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_secrets_head = "database: db\nsources:\n  - name: a\n    type: crocodial\n    url: https://a.example\n";

// The message contains neither the secret nor a redaction mark: it was written without
// the secret, rather than masked afterwards.
void expect_clean(const std::string& message, const std::string& secret) {
  EXPECT_EQ(message.find(secret), std::string::npos) << message;
  EXPECT_EQ(message.find(core::k_redacted), std::string::npos) << message;
}

TEST_F(ConfigTest, SecretValuesAreRegisteredForRedactionWhenRead) {
  m_vars["PART"] = "env-part-31337";
  const Config config = parse(k_secrets_head + "    user: plain-user-name\n    password: pre-${env:PART}-post\n");
  EXPECT_EQ(config.secret_values(), std::vector<std::string>{"pre-env-part-31337-post"});
  EXPECT_EQ(core::secrets().redact("a pre-env-part-31337-post b"), "a *** b");
  // The part that came from the environment is registered on its own too.
  EXPECT_EQ(core::secrets().redact("a env-part-31337 b"), "a *** b");
  EXPECT_EQ(core::secrets().redact("plain-user-name"), "plain-user-name");
}

TEST_F(ConfigTest, ASecretIsRegisteredEvenWhenALaterKeyFails) {
  EXPECT_NE(error_of(k_secrets_head + "    password: early-secret-4242\n    retries: lots\n"), "<no error>");
  EXPECT_EQ(core::secrets().redact("early-secret-4242"), "***");
}

TEST_F(ConfigTest, ErrorsAboutSecretSettingsNeverQuoteTheValue) {
  // A literal secret that happens to contain "${" is not echoed back.
  const std::string unterminated = error_of(k_secrets_head + "    password: \"pa${ss-unterminated\"\n");
  EXPECT_EQ(unterminated, at(6,
                             "sources[0].password: has a \"${\" without its closing \"}\" (use ${env:NAME}, "
                             "${file:PATH} or ${credential:NAME}, and write \"$${\" for a literal \"${\")"));
  const std::string unknown = error_of(k_secrets_head + "    password: \"x${oops}y-literal\"\n");
  expect_clean(unknown, "oops");
  EXPECT_NE(unknown.find("is not a reference"), std::string::npos);

  // Typed getters on a secret setting describe it without its value.
  const Config config = parse(k_secrets_head + "    password: not-a-number-secret\n");
  const SourceConfig& source = config.sources.at(0);
  try {
    (void)source.setting_int("password", 0, 0, 10);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}, at(6, "sources[0].password: the value is not a whole number"));
    expect_clean(error.what(), "not-a-number-secret");
  }
  EXPECT_THROW((void)source.setting_duration("password", {}), ConfigError);
  EXPECT_THROW((void)source.setting_number("password", 0, 0, 1), ConfigError);
}

TEST_F(ConfigTest, ReferencedContentIsNotExpandedAgainAndEscapesStayLiteral) {
  write("tricky.pass", "a${env:NOPE}b\n\n");
  const Config config = parse(k_secrets_head + "    password: ${file:tricky.pass}\n    user: \"$${env:USER}\"\n");
  // Only one trailing newline belongs to the file.
  EXPECT_EQ(config.sources.at(0).require("password").value, "a${env:NOPE}b\n");
  EXPECT_EQ(config.sources.at(0).require("user").value, "${env:USER}");
}

TEST_F(ConfigTest, LiteralSecretInAGroupReadableFileIsAWarningNotAnError) {
  write("rosterd.yaml", k_secrets_head + "    user: u\n    password: literal-secret-1234\n",
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  const Config config = load_config(config_path(), k_types, m_env);
  ASSERT_EQ(config.warnings.size(), 1u);
  const std::string& warning = config.warnings[0];
  EXPECT_EQ(warning.rfind(at(7, "sources[0].password: "), 0), 0u) << warning;
  EXPECT_NE(warning.find("mode 0644"), std::string::npos) << warning;
  EXPECT_NE(warning.find("chmod 600"), std::string::npos) << warning;
  EXPECT_NE(warning.find("${credential:NAME}"), std::string::npos) << warning;
  expect_clean(warning, "literal-secret-1234");
}

TEST_F(ConfigTest, NoPermissionWarningForAPrivateFileOrAReferencedSecret) {
  write("rosterd.yaml", k_secrets_head + "    password: literal-secret-1234\n");  // 0600
  EXPECT_TRUE(load_config(config_path(), k_types, m_env).warnings.empty());

  m_vars["PASS"] = "from-env-5678";
  write("rosterd.yaml", k_secrets_head + "    user: literal-user\n    password: ${env:PASS}\n",
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_TRUE(load_config(config_path(), k_types, m_env).warnings.empty());
}

TEST_F(ConfigTest, GroupReadableLiteralSecretInDefaultsIsReportedOnce) {
  write("rosterd.yaml",
        "database: db\ndefaults:\n  password: shared-literal-9999\nsources:\n"
        "  - {name: a, type: crocodial, url: 'https://a.example'}\n"
        "  - {name: b, type: smartflo, url: 'https://b.example'}\n",
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const Config config = load_config(config_path(), k_types, m_env);
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_EQ(config.warnings[0].rfind(at(3, "defaults.password: "), 0), 0u) << config.warnings[0];
}

}  // namespace
}  // namespace rosterd::config::testing

#include "core/secrets.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace rosterd::core {
namespace {

TEST(SecretRegistry, MasksEveryOccurrenceLongestFirst) {
  SecretRegistry registry;
  registry.add("hunter22");
  registry.add("hunter22-extended");
  EXPECT_EQ(registry.redact("p=hunter22-extended q=hunter22 hunter22"), "p=*** q=*** ***");
}

TEST(SecretRegistry, IgnoresValuesTooShortToBeCredentials) {
  SecretRegistry registry;
  registry.add("ab");
  EXPECT_EQ(registry.redact("about abc"), "about abc");
}

TEST(SecretFieldNames, MatchPassSecretTokenInAnyCase) {
  for (const char* name : {"pass", "pass_hash", "phone_pass", "passwd", "PASSWORD", "cdr_api_token", "client_secret",
                           "AccessToken", "voicemail_pass"}) {
    EXPECT_TRUE(is_secret_field_name(name)) << name;
  }
  for (const char* name : {"user", "email", "passport_no_really", "tok", "phone_login"}) {
    // "passport" contains "pass": by the rule it is dropped too, which is the safe side.
    EXPECT_EQ(is_secret_field_name(name), std::string_view(name).find("pass") != std::string_view::npos) << name;
  }
}

// Against the rule written plainly: lower-case, then look for each needle. Names built
// from fragments that almost match, in every order and case, ending anywhere.
TEST(SecretFieldName, AgreesWithThePlainRuleOnNearMisses) {
  const std::vector<std::string> fragments = {"p", "Pa", "pAs", "ass", "PASS", "s", "se", "SeCrE", "ecret", "t",
                                              "To", "tOkE", "oken", "_", "x9"};
  const auto plain_rule = [](std::string name) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name.find("pass") != std::string::npos || name.find("secret") != std::string::npos ||
           name.find("token") != std::string::npos;
  };
  int checked = 0;
  for (const auto& a : fragments) {
    for (const auto& b : fragments) {
      for (const auto& c : fragments) {
        const auto name = a + b + c;
        EXPECT_EQ(is_secret_field_name(name), plain_rule(name)) << name;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 15 * 15 * 15);
}

TEST(RedactUrl, KeepsSchemeHostAndPathOnly) {
  EXPECT_EQ(redact_url("https://acme.worksection.com/api/admin/v2/?action=get_users&hash=abc"),
            "https://acme.worksection.com/api/admin/v2/");
  EXPECT_EQ(redact_url("http://user:pw@127.0.0.1:8000/v1/user/list?page=2#x"), "http://127.0.0.1:8000/v1/user/list");
  EXPECT_EQ(redact_url("https://host"), "https://host");
}

}  // namespace
}  // namespace rosterd::core

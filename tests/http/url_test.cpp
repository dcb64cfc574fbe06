#include "http/url.hpp"

#include <gtest/gtest.h>

#include "builders.hpp"
#include "http/http_client.hpp"

namespace rosterd::http {
namespace {

TEST(UrlEncode, KeepsUnreservedAndEncodesEverythingElse) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b+c&d=e/f?g#h%"), "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25");
  EXPECT_EQ(url_encode("\xC3\xA9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(url_encode(std::string("a\0b", 3)), "a%00b");
  EXPECT_EQ(url_encode(""), "");
}

TEST(FormEncode, JoinsFieldsInOrder) {
  EXPECT_EQ(form_encode({{"goAction", "goGetAllUsers"}, {"goUser", "api user"}, {"goPass", "p&ss=1"}}),
            "goAction=goGetAllUsers&goUser=api%20user&goPass=p%26ss%3D1");
  EXPECT_EQ(form_encode({}), "");
  EXPECT_EQ(form_encode({{"empty", ""}}), "empty=");
}

TEST(OriginOf, IsSchemeHostAndPortWithDefaultsFilledIn) {
  EXPECT_EQ(origin_of("https://Acme.Worksection.com/api/admin/v2/?hash=x"), "https://acme.worksection.com:443");
  EXPECT_EQ(origin_of("http://127.0.0.1:8080/a"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("HTTP://example.com"), "http://example.com:80");
  EXPECT_EQ(origin_of("https://user:pw@example.com/"), "https://example.com:443");
  EXPECT_EQ(origin_of("not a url"), std::nullopt);
  EXPECT_EQ(origin_of("/relative/path"), std::nullopt);
}

TEST(SameOrigin, ComparesSchemeHostAndPort) {
  EXPECT_TRUE(same_origin("https://a.example/x", "https://A.EXAMPLE:443/y?z=1"));
  EXPECT_FALSE(same_origin("https://a.example/", "http://a.example/"));
  EXPECT_FALSE(same_origin("https://a.example/", "https://b.example/"));
  EXPECT_FALSE(same_origin("https://a.example/", "https://a.example:8443/"));
  EXPECT_FALSE(same_origin("https://a.example/", "https://a.example.evil.com/"));
  EXPECT_FALSE(same_origin("https://a.example@evil.com/", "https://a.example/"));
  EXPECT_FALSE(same_origin("junk", "junk"));  // no origin is never the same origin
}

TEST(Labels, DefaultLabelIsMethodAndRedactedUrl) {
  const Request get = testing::get("https://acme.worksection.com/api/admin/v2/?action=get_users&hash=abc");
  EXPECT_EQ(default_label(get), "GET https://acme.worksection.com/api/admin/v2/");
  Request post = testing::post("http://u:p@127.0.0.1:9/v1/auth/login", "", "");
  EXPECT_EQ(default_label(post), "POST http://127.0.0.1:9/v1/auth/login");
  EXPECT_EQ(label_of(post), "POST http://127.0.0.1:9/v1/auth/login");
  post.label = "POST login";
  EXPECT_EQ(label_of(post), "POST login");
}

}  // namespace
}  // namespace rosterd::http

// The rest source against a scripted HTTP client: each kind of auth and paging sends
// what its definition says, and every way a listing can be incomplete fails the fetch.

#include "sources/rest/rest_source.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/hash.hpp"
#include "core/secrets.hpp"
#include "sources/registry.hpp"
#include "rest_test_support.hpp"
#include "source_test_support.hpp"

namespace rosterd::sources::rest {
namespace {

using sources::testing::header;
using sources::testing::LogCapture;
using sources::testing::ManualClock;
using sources::testing::ScriptedClient;
using sources::testing::UserRecorder;

using sources::testing::k_rest_base;
using sources::testing::rest_config;

constexpr const char* k_base = k_rest_base;

// The columns every definition here maps: records at /data, ids at /id.
const std::string k_records = "records: /data\nid: /id\ncolumns: {username: /name}\n";

std::string users_body(int first, int last, const std::string& extra = "") {
  std::string items;
  for (int id = first; id <= last; ++id) {
    items += (items.empty() ? "" : ",") + fmt::format(R"({{"id":{},"name":"u{}"}})", id, id);
  }
  return "{\"data\":[" + items + "]" + extra + "}";
}

struct Fetch {
  core::Status status;
  UserRecorder users;
};

Fetch fetch(Source& source, ScriptedClient& client) {
  RunContext context{client, {}};
  Fetch out;
  out.status = source.fetch_users(context, out.users);
  EXPECT_EQ(client.unused_steps(), 0u);
  return out;
}

TEST(RestSource, ApiKeysGoInAHeaderOrTheQueryAndBasicAuthIsEncoded) {
  const std::string page = "request: {path: /users}\n" + k_records;
  {
    auto source = make_source(rest_config("parameters: {key: {secret: true}}\nauth: {type: header, name: X-Api-Key, "
                                          "value: \"{{key}}\"}\n" + page, "{key: k-123}"));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/users").reply(200, users_body(1, 2));
    const auto result = fetch(*source, client);
    ASSERT_TRUE(result.status) << result.status.error().message;
    EXPECT_EQ(header(client.requests()[0], "X-Api-Key"), "k-123");
    EXPECT_EQ(result.users.records.size(), 2u);
  }
  {
    auto source = make_source(rest_config("parameters: {key: {secret: true}}\nauth: {type: query, name: api_key, "
                                          "value: \"{{key}}\"}\n" + page, "{key: \"k 1&2\"}"));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/users?api_key=k%201%262").reply(200, users_body(1, 1));
    EXPECT_TRUE(fetch(*source, client).status);
    EXPECT_EQ(client.requests()[0].label, "GET https://api.example/users") << "the key is not shown";
  }
  {
    auto source = make_source(rest_config("parameters: {user: {}, password: {secret: true}}\nauth: {type: basic, "
                                          "username: \"{{user}}\", password: \"{{password}}\"}\n" + page,
                                          "{user: Aladdin, password: open sesame}"));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/users").reply(200, users_body(1, 1));
    EXPECT_TRUE(fetch(*source, client).status);
    EXPECT_EQ(header(client.requests()[0], "Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") << "RFC 7617's example";
  }
}

TEST(RestSource, FormFieldsGoInTheQueryOfAGetAndTheBodyOfAPost) {
  const std::string auth = "parameters: {user: {}, password: {secret: true}}\nauth: {type: form, fields: {goUser: "
                           "\"{{user}}\", goPass: \"{{password}}\"}}\n";
  {
    auto source = make_source(rest_config(auth + "request: {path: /api, query: {goAction: list}}\n" + k_records,
                                          "{user: u, password: p w}"));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/api?goAction=list&goUser=u&goPass=p%20w")
        .reply(200, users_body(1, 1));
    EXPECT_TRUE(fetch(*source, client).status);
    EXPECT_EQ(client.requests()[0].label, "GET https://api.example/api goAction=list");
  }
  {
    auto source = make_source(rest_config(auth + "request: {method: POST, path: /api, form: {goAction: list}}\n" +
                                              k_records,
                                          "{user: u, password: pw}"));
    ScriptedClient client;
    client.expect(http::Method::post, std::string(k_base) + "/api").reply(200, users_body(1, 1));
    EXPECT_TRUE(fetch(*source, client).status);
    EXPECT_EQ(client.requests()[0].body, "goAction=list&goUser=u&goPass=pw");
    EXPECT_EQ(client.requests()[0].content_type, "application/x-www-form-urlencoded");
  }
}

TEST(RestSource, ASignatureHashesTheQueryWithTheKey) {
  auto source = make_source(rest_config("parameters: {key: {secret: true}}\nauth: {type: signature, name: sig, "
                                        "algorithm: sha256, key: \"{{key}}\"}\nrequest: {path: /u, query: {a: \"1\", "
                                        "b: x y}}\n" + k_records,
                                        "{key: s3cret}"));
  ScriptedClient client;
  const auto signature = core::sha256_hex("a=1&b=x%20y" + std::string("s3cret"));
  client.expect(http::Method::get, std::string(k_base) + "/u?a=1&b=x%20y&sig=" + signature).reply(200, users_body(1, 1));
  EXPECT_TRUE(fetch(*source, client).status);
  EXPECT_TRUE(core::secrets().redact(signature).find(signature) == std::string::npos) << "the signature is a secret";
}

const std::string k_login = R"(parameters: {user: {}, password: {secret: true}}
auth:
  type: login
  request: {method: POST, path: /login, json: {name: "{{user}}", password: "{{password}}"}}
  token: /session/token
  expires_in: /session/ttl
  send: {header: X-Token}
request: {path: /users}
)";

TEST(RestSource, ALoginTokenIsCachedForItsLifetimeAndRenewedOnceOnA401) {
  ManualClock clock;
  auto source = make_source(rest_config(k_login + k_records, "{user: admin, password: pw}"), clock);
  ScriptedClient client;
  client.expect(http::Method::post, std::string(k_base) + "/login")
      .reply(200, R"({"session":{"token":"tok-1","ttl":600}})");
  client.expect(http::Method::get, std::string(k_base) + "/users").reply(200, users_body(1, 1));
  ASSERT_TRUE(fetch(*source, client).status);
  EXPECT_EQ(client.requests()[0].body, R"({"name":"admin","password":"pw"})");
  EXPECT_EQ(header(client.requests()[1], "X-Token"), "tok-1");

  // Within its lifetime (600 s less a tenth) the token is reused.
  clock.advance(std::chrono::seconds{500});
  client.expect(http::Method::get, std::string(k_base) + "/users").reply(200, users_body(1, 1));
  ASSERT_TRUE(fetch(*source, client).status);
  // Past it, a new login.
  clock.advance(std::chrono::seconds{100});
  client.expect(http::Method::post, std::string(k_base) + "/login")
      .reply(200, R"({"session":{"token":"tok-2","ttl":600}})");
  client.expect(http::Method::get, std::string(k_base) + "/users").reply(200, users_body(1, 1));
  ASSERT_TRUE(fetch(*source, client).status);

  // A 401: one more login, once per fetch.
  client.expect(http::Method::get, std::string(k_base) + "/users").reply(401, "{}");
  client.expect(http::Method::post, std::string(k_base) + "/login")
      .reply(200, R"({"session":{"token":"tok-3","ttl":600}})");
  client.expect(http::Method::get, std::string(k_base) + "/users").reply(401, R"({"error":"expired"})");
  const auto refused = fetch(*source, client);
  ASSERT_FALSE(refused.status);
  EXPECT_EQ(refused.status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(refused.status.error().message, "GET https://api.example/users: HTTP 401");
}

TEST(RestSource, ARefusedLoginIsAnAuthErrorWithTheVendorsMessage) {
  std::string definition = k_login;
  definition.insert(definition.find("  token:"), "  success: {pointer: /ok, equals: \"true\", message: /error}\n");
  auto source = make_source(rest_config(definition + k_records, "{user: admin, password: wrong-pw}"));
  ScriptedClient client;
  client.expect(http::Method::post, std::string(k_base) + "/login").reply(200, R"({"ok":false,"error":"wrong password"})");
  auto result = fetch(*source, client);
  ASSERT_FALSE(result.status);
  EXPECT_EQ(result.status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(result.status.error().message, "POST https://api.example/login: /ok is \"false\", not true: wrong password");

  client.expect(http::Method::post, std::string(k_base) + "/login").reply(200, R"({"ok":true,"session":{}})");
  result = fetch(*source, client);
  ASSERT_FALSE(result.status);
  EXPECT_EQ(result.status.error().message,
            "POST https://api.example/login: /session/token: missing or not a string (the login's token)");
}

TEST(RestSource, PagesByNumberFromOneUntilTheTotal) {
  auto source = make_source(rest_config("request: {path: /u}\npaging: {type: page, param: p, first: 1, size_param: n, "
                                        "size: \"2\"}\ntotal: /total\n" + k_records));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u?p=1&n=2").reply(200, users_body(1, 2, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=2&n=2").reply(200, users_body(3, 4, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=3&n=2").reply(200, users_body(5, 5, ",\"total\":5"));
  const auto result = fetch(*source, client);
  ASSERT_TRUE(result.status) << result.status.error().message;
  EXPECT_EQ(result.users.records.size(), 5u);
  EXPECT_EQ(client.requests()[1].label, "GET https://api.example/u p=2 n=2");
}

TEST(RestSource, PagesByOffsetAdvanceByWhatWasReceived) {
  auto source = make_source(rest_config("request: {path: /u}\npaging: {type: offset, param: start, first: 1, "
                                        "size_param: count, size: \"10\"}\ntotal: /total\n" + k_records));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u?start=1&count=10").reply(200, users_body(1, 3, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?start=4&count=10").reply(200, users_body(4, 5, ",\"total\":5"));
  EXPECT_TRUE(fetch(*source, client).status);
}

TEST(RestSource, WithoutATotalPagesEndAtAnEmptyOne) {
  auto source = make_source(rest_config("request: {path: /u}\npaging: {type: page, param: page}\n" + k_records));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u?page=0").reply(200, users_body(1, 2));
  client.expect(http::Method::get, std::string(k_base) + "/u?page=1").reply(200, users_body(0, -1));
  const auto result = fetch(*source, client);
  EXPECT_TRUE(result.status);
  EXPECT_EQ(result.users.records.size(), 2u);
}

TEST(RestSource, ACursorComesFromTheAnswerOrTheLastRecord) {
  {
    auto source = make_source(rest_config("request: {path: /u}\npaging: {type: cursor, param: after, "
                                          "next_from_record: /id, has_more: /more}\n" + k_records));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/u").reply(200, users_body(1, 2, ",\"more\":true"));
    client.expect(http::Method::get, std::string(k_base) + "/u?after=2").reply(200, users_body(3, 3, ",\"more\":false"));
    EXPECT_TRUE(fetch(*source, client).status);
  }
  {
    auto source = make_source(rest_config("request: {path: /u}\npaging: {type: cursor, param: c, next: /next}\n" +
                                          k_records));
    ScriptedClient client;
    client.expect(http::Method::get, std::string(k_base) + "/u").reply(200, users_body(1, 2, ",\"next\":\"abc\""));
    client.expect(http::Method::get, std::string(k_base) + "/u?c=abc").reply(200, users_body(3, 3, ",\"next\":null"));
    EXPECT_TRUE(fetch(*source, client).status);
  }
}

TEST(RestSource, TheLinkHeaderLeadsToTheNextPageOnTheSameHostOnly) {
  auto source = make_source(rest_config("request: {path: /u}\npaging: {type: link}\n" + k_records));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u")
      .reply(200, users_body(1, 2))
      .link(R"(<https://api.example/u?page=2>; rel="next", <https://api.example/u?page=9>; rel="last")");
  client.expect(http::Method::get, std::string(k_base) + "/u?page=2").reply(200, users_body(3, 3));
  EXPECT_TRUE(fetch(*source, client).status);

  client.expect(http::Method::get, std::string(k_base) + "/u")
      .reply(200, users_body(1, 2))
      .link(R"(<https://elsewhere.example/u?page=2>; rel="next")");
  const auto away = fetch(*source, client);
  ASSERT_FALSE(away.status);
  EXPECT_NE(away.status.error().message.find("the next link leads to another host (https://elsewhere.example/u)"),
            std::string::npos)
      << away.status.error().message;
}

// Each way a listing is not provably complete fails it (ErrorKind::incomplete).
TEST(RestSource, AnIncompleteListingFailsTheFetch) {
  const auto failure = [](const std::string& definition, const std::vector<std::pair<std::string, std::string>>& pages,
                          const std::string& link = "") {
    auto source = make_source(rest_config(definition + k_records));
    ScriptedClient client;
    for (const auto& [url, body] : pages) {
      auto& step = client.expect(http::Method::get, std::string(k_base) + url).reply(200, body);
      if (!link.empty()) step.link(link);
    }
    auto result = fetch(*source, client);
    EXPECT_FALSE(result.status);
    return result.status ? std::string("<ok>") : result.status.error().message;
  };
  const std::string paged = "request: {path: /u}\npaging: {type: page, param: p}\ntotal: /total\n";
  EXPECT_EQ(failure(paged, {{"/u?p=0", users_body(1, 2, ",\"total\":4")}, {"/u?p=1", users_body(3, 3, ",\"total\":3")}}),
            "GET https://api.example/u p=1: the total changed from 4 to 3 while listing (page 2)");
  EXPECT_EQ(failure(paged, {{"/u?p=0", users_body(1, 2, ",\"total\":4")}, {"/u?p=1", users_body(0, -1, ",\"total\":4")}}),
            "GET https://api.example/u p=1: an empty page after 2 of 4 records");
  EXPECT_EQ(failure(paged, {{"/u?p=0", users_body(1, 3, ",\"total\":2")}}),
            "GET https://api.example/u p=0: 3 records listed but the total is 2");
  EXPECT_EQ(failure("request: {path: /u}\ntotal: /total\n", {{"/u", users_body(1, 2, ",\"total\":3")}}),
            "GET https://api.example/u: the listing ended after 2 records but the total is 3");
  EXPECT_EQ(failure("request: {path: /u}\n", {{"/u", R"({"data":[{"id":1},{"id":"1"}]})"}}),
            "GET https://api.example/u: /data[1]/id: duplicate user id 1");
  EXPECT_EQ(failure("request: {path: /u}\npaging: {type: page, param: p}\n",
                    {{"/u?p=0", users_body(1, 2)}, {"/u?p=1", users_body(2, 3)}}),
            "GET https://api.example/u p=1: id 2 appears twice in the listing");
  EXPECT_EQ(failure("request: {path: /u}\npaging: {type: cursor, param: c, next: /next}\n",
                    {{"/u", users_body(1, 1, ",\"next\":\"x\"")}, {"/u?c=x", users_body(2, 2, ",\"next\":\"x\"")}}),
            "GET https://api.example/u c=x: cursor did not advance: x was already used");
  EXPECT_EQ(failure("request: {path: /u}\npaging: {type: cursor, param: c, next: /next, has_more: /more}\n",
                    {{"/u", users_body(1, 1, ",\"more\":true")}}),
            "GET https://api.example/u: cursor did not advance: more pages but no next cursor");
  EXPECT_EQ(failure("request: {path: /u}\npaging: {type: link}\n", {{"/u", users_body(1, 1)}, {"/u", users_body(2, 2)}},
                    R"(<https://api.example/u>; rel="next")"),
            "GET https://api.example/u: the next link did not advance: it was already used");
  EXPECT_EQ(failure("request: {path: /u}\ncount: /n\n", {{"/u", users_body(1, 2, ",\"n\":3")}}),
            "GET https://api.example/u: /n: 3 but /data has 2 records");
}

TEST(RestSource, RelistListsOnceMoreFromTheStartWhenTheListingShifted) {
  auto source = make_source(rest_config("request: {path: /u}\npaging: {type: page, param: p}\ntotal: /total\n"
                                        "relist: 1\n" + k_records));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u?p=0").reply(200, users_body(1, 2, ",\"total\":4"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=1").reply(200, users_body(4, 5, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=0").reply(200, users_body(1, 2, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=1").reply(200, users_body(3, 4, ",\"total\":5"));
  client.expect(http::Method::get, std::string(k_base) + "/u?p=2").reply(200, users_body(5, 5, ",\"total\":5"));
  LogCapture log;
  const auto result = fetch(*source, client);
  ASSERT_TRUE(result.status) << result.status.error().message;
  EXPECT_EQ(result.users.restarts, 1);
  EXPECT_EQ(result.users.records.size(), 5u);
  EXPECT_NE(log.text().find("api: GET https://api.example/u p=1: the total changed from 4 to 5 while listing (page 2); "
                            "listing once more from the start"),
            std::string::npos)
      << log.text();
}

TEST(RestSource, AnAnswerThatIsNotASuccessFailsWithTheVendorsMessage) {
  const std::string definition = "request: {path: /u}\nsuccess: {status: [200], pointer: /result, equals: success, "
                                 "message: /error/text}\n" + k_records;
  auto source = make_source(rest_config(definition));
  ScriptedClient client;
  client.expect(http::Method::get, std::string(k_base) + "/u")
      .reply(200, R"({"result":"error","error":{"text":"Login failed"}})");
  auto result = fetch(*source, client);
  ASSERT_FALSE(result.status);
  EXPECT_EQ(result.status.error().kind, core::ErrorKind::vendor);
  EXPECT_EQ(result.status.error().message, "GET https://api.example/u: /result is \"error\", not success: Login failed");

  client.expect(http::Method::get, std::string(k_base) + "/u").reply(503, "<html>busy</html>");
  result = fetch(*source, client);
  ASSERT_FALSE(result.status);
  EXPECT_EQ(result.status.error().kind, core::ErrorKind::http);
  EXPECT_NE(result.status.error().message.find("GET https://api.example/u: HTTP 503 ("), std::string::npos)
      << result.status.error().message;

  client.expect(http::Method::get, std::string(k_base) + "/u").reply(403, R"({"error":{"text":"no permission"}})");
  result = fetch(*source, client);
  ASSERT_FALSE(result.status);
  EXPECT_EQ(result.status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(result.status.error().message, "GET https://api.example/u: HTTP 403: no permission");
}

}  // namespace
}  // namespace rosterd::sources::rest

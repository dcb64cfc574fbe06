// Worksection get_users as served: the signed query, the error shape and the quirks of
// the user objects.

#include <set>

#include "core/hash.hpp"
#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

class WorksectionTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("projects", "worksection", 30);
  }

  Json get(const std::string& path) {
    auto c = client();
    const auto result = c.Get(path);
    EXPECT_TRUE(result);
    EXPECT_EQ(result->status, 200);
    return Json(result->body);
  }

  Tenant* tenant = nullptr;
};

TEST_F(WorksectionTest, WrongOrMissingHashGetsStatusCode2) {
  const std::string bad = R"({"status":"error","status_code":2,"message":"Action hash is missed or invalid"})";
  auto c = client();
  EXPECT_EQ(c.Get("/projects/api/admin/v2/?action=get_users")->body, bad);
  EXPECT_EQ(c.Get("/projects/api/admin/v2/?action=get_users&hash=0123")->body, bad);
  // The legacy formula md5(action + key) is not accepted.
  EXPECT_EQ(
      c.Get("/projects/api/admin/v2/?action=get_users&hash=" + core::md5_hex("get_users" + tenant->options().api_key))
          ->body,
      bad);
  EXPECT_EQ(tenant->stats().auth_rejections, 3u);
}

TEST_F(WorksectionTest, ListsEveryUserWithStringIdsAndOmitsUnsetFields) {
  Json json = get(worksection_path(*tenant));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(str(json["status"]), "ok");
  std::set<std::int64_t> ids;
  std::set<std::string> keys_missing_somewhere;
  bool placeholder_email = false;
  for (const auto item : json["data"].get_array()) {
    ASSERT_TRUE(item["id"].is_string());
    const auto id = std::stoll(str(item["id"]));
    EXPECT_TRUE(ids.insert(id).second);
    const auto user = tenant->user(id);
    ASSERT_TRUE(user);
    EXPECT_EQ(str(item["first_name"]), user->first_name);
    EXPECT_EQ(str(item["name"]), user->full_name());
    EXPECT_EQ(str(item["email"]), user->email);
    EXPECT_EQ(str(item["group"]), user->group);
    std::string role = str(item["role"]);
    role[0] = static_cast<char>(std::tolower(role[0]));
    EXPECT_EQ(role, user->role);
    if (item["rate"].error() == simdjson::SUCCESS) {
      EXPECT_TRUE(item["rate"].is_int64());
    }
    EXPECT_TRUE(item["services"].is_object());
    for (const auto* key : {"rate", "phone", "phone2", "phone3", "phone4", "address", "address2", "contacts"}) {
      if (item[key].error() == simdjson::NO_SUCH_FIELD) keys_missing_somewhere.insert(key);
    }
    placeholder_email |= user->email == std::to_string(id) + "@" + std::to_string(id) + ".worksection.com";
  }
  std::set<std::int64_t> expected;
  for (const auto& u : tenant->users()) expected.insert(u.id);
  EXPECT_EQ(ids, expected);
  EXPECT_TRUE(placeholder_email);
  EXPECT_EQ(keys_missing_somewhere.size(), 8u) << "each optional field is omitted for some user";
}

TEST_F(WorksectionTest, RoleCaseVariesBetweenUsersAndResponses) {
  const auto roles = [&] {
    std::map<std::string, std::string> out;
    Json json = get(worksection_path(*tenant));
    for (const auto item : json["data"].get_array()) out[str(item["id"])] = str(item["role"]);
    return out;
  };
  const auto first = roles();
  const auto second = roles();
  std::set<char> initials;
  for (const auto& [id, role] : first) initials.insert(role[0]);
  EXPECT_TRUE(initials.count('u') && initials.count('U')) << "case differs between users";
  EXPECT_NE(first, second) << "and between responses";
}

TEST_F(WorksectionTest, UnknownActionIsAnError) {
  const std::string query = "action=get_tasks";
  Json json = get("/projects/api/admin/v2/?" + query + "&hash=" + core::md5_hex(query + tenant->options().api_key));
  EXPECT_EQ(str(json["status"]), "error");
  EXPECT_TRUE(json["status_code"].is_int64());
}

}  // namespace
}  // namespace rosterd::sim::testing

// The composition root with a fifth source type that only this file defines: its row
// joins the built-in table, and the root loads, validates and builds it, and runs it
// into a real database, with no file of daemon/ knowing its name.

#include "app/root.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "../store/temp_db.hpp"
#include "store/writer.hpp"

namespace rosterd::app {
namespace {

// How many fake sources were built: validating a file must build none.
std::atomic<int> g_fakes_built{0};

// Lists `batch` users (a setting its schema declares 1..10), sends no request.
class FakeSource final : public sources::Source {
 public:
  explicit FakeSource(const config::SourceConfig& config)
      : m_name(config.name), m_batch(config.setting_int("batch", 2)) {}

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(sources::RunContext&, sources::UserSink& sink) override {
    for (long long i = 1; i <= m_batch; ++i) {
      model::User user;
      user.external_id = std::to_string(i);
      user.username = "user" + std::to_string(i);
      user.active = true;
      if (auto added = sink.add(std::move(user)); !added) return added;
    }
    return {};
  }

  core::Status check_connection(sources::RunContext&) override { return {}; }

 private:
  std::string m_name;
  long long m_batch;
};

std::unique_ptr<sources::Source> make_fake(const config::SourceConfig& config) {
  ++g_fakes_built;
  return std::make_unique<FakeSource>(config);
}

const sources::SourceType k_fake_type{
    .schema = {.type = "fakevendor",
               .settings = {config::secret_setting("token"), config::whole_number_setting("batch", 1, 10)},
               .datasets = {"users"},
               .default_datasets = {"users"},
               .volatile_fields = {},
               .credentials = {{"token"}}},
    .create = &make_fake,
    .reader_version = 3,
    .info_columns = model::InfoColumns::none(),
};

// The built-in types and the fake one.
std::vector<sources::SourceType> types_with_fake() {
  std::vector<sources::SourceType> types(sources::source_types().begin(), sources::source_types().end());
  types.push_back(k_fake_type);
  return types;
}

class RootTest : public ::testing::Test {
 protected:
  void SetUp() override { g_fakes_built = 0; }

  // The configuration file: the database in the test's directory, then `sources`.
  std::string write_config(const std::string& sources) {
    const auto path = m_dir.file("rosterd.yaml");
    std::ofstream(path) << "database: roster.db\nsources:\n" << sources;
    return path;
  }

  testing::TempDir m_dir;
  const std::vector<sources::SourceType> m_types = types_with_fake();
  const Root m_root{m_types};
};

constexpr const char* k_two_sources =
    "  - name: fake\n"        // 3
    "    type: fakevendor\n"  // 4
    "    url: https://fake.example\n"
    "    token: fake-token\n"
    "    batch: 3\n"  // 7
    "  - name: switch\n"
    "    type: class4\n"
    "    url: https://switch.example\n"
    "    token: class4-token\n";

TEST_F(RootTest, LoadsAndBuildsARegisteredSourceTypeItWasGiven) {
  const auto config = m_root.load_config(write_config(k_two_sources));
  ASSERT_EQ(config.sources.size(), 2u);
  EXPECT_EQ(config.sources[0].datasets, std::vector<std::string>{"users"}) << "the fake's default datasets";
  EXPECT_EQ(g_fakes_built, 0) << "loading builds no source";

  const auto built = m_root.build_sources(config);
  ASSERT_EQ(built.size(), 2u);
  EXPECT_EQ(g_fakes_built, 1);
  EXPECT_EQ(built[0]->type().schema.type, "fakevendor");
  EXPECT_NE(dynamic_cast<FakeSource*>(&built[0]->source()), nullptr);
  EXPECT_EQ(built[0]->handle().reader_version, 3);
  EXPECT_EQ(built[0]->handle().retry.source, "fake");
  EXPECT_EQ(built[1]->type().schema.type, "class4");
  EXPECT_EQ(built[1]->source().name(), "switch");
}

TEST_F(RootTest, ARootWithoutTheRowRefusesTheTypeWhenLoading) {
  const Root built_in_only;
  try {
    (void)built_in_only.load_config(write_config(k_two_sources));
    FAIL() << "no error";
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(error.location().line, 4);
    EXPECT_EQ(error.key(), "sources[0].type");
    EXPECT_NE(error.problem().find("unknown type \"fakevendor\""), std::string::npos) << error.problem();
  }
}

TEST_F(RootTest, TheFakeTypesSchemaIsCheckedByTheLoaderWithoutBuildingASource) {
  const auto path = write_config(
      "  - {name: fake, type: fakevendor, url: 'https://fake.example', token: t,\n"
      "     batch: 0}\n"
      "  - {name: other, type: fakevendor, url: 'https://other.example'}\n");
  try {
    (void)m_root.load_config(path);
    FAIL() << "no error";
  } catch (const config::ConfigError& error) {
    ASSERT_EQ(error.problems().size(), 2u) << error.what();
    EXPECT_EQ(error.problems()[0].text(), path + ":4: sources[0].batch: \"0\" is out of range (1..10)");
    EXPECT_EQ(error.problems()[1].text(), path + ":5: sources[1].token: is required for type fakevendor");
  }
  EXPECT_EQ(g_fakes_built, 0);
}

TEST_F(RootTest, TheDaemonsFactoryGivesAHandleThatKeepsItsSourceAlive) {
  const auto config = m_root.load_config(write_config(k_two_sources));
  const service::SourceFactory& factory = m_root;
  std::shared_ptr<const sync::SourceHandle> handle = factory.build_source(config.sources[0]);
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(handle->config.name, "fake");
  EXPECT_EQ(handle->source.name(), "fake");
  EXPECT_EQ(handle->reader_version, 3);
  const auto reloaded = factory.load_config(config.path);
  EXPECT_EQ(reloaded.sources.size(), 2u);
}

TEST_F(RootTest, RunsTheFakeSourceIntoTheDatabaseItOpens) {
  const auto config = m_root.load_config(write_config(k_two_sources));
  auto built = m_root.build(config.sources[0]);
  const auto db = m_root.open_store(config.database, StoreAccess::read_write);
  store::Writer writer(*db);
  auto runner = m_root.runner(*db, writer);
  const auto outcome = runner.run(built->handle(), model::Dataset::users, {});
  EXPECT_EQ(outcome.status, store::RunStatus::ok) << outcome.error.value_or("");
  EXPECT_EQ(outcome.counts.added, 3);

  const auto again = runner.run(built->handle(), model::Dataset::users, {});
  EXPECT_EQ(again.status, store::RunStatus::ok);
  EXPECT_EQ(again.counts.unchanged, 3);
}

TEST_F(RootTest, BuildingATypeTheTableLacksIsAConfigError) {
  config::SourceConfig source;
  source.name = "x";
  source.type = "nosuchvendor";
  source.key_path = "sources[0]";
  EXPECT_THROW((void)m_root.build(source), config::ConfigError);
}

}  // namespace
}  // namespace rosterd::app

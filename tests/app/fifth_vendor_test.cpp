// A fifth vendor, "acmedesk", defined only in this file: a simulator module (its
// routes, generator and credentials), a source type (its schema and a source that
// reads the simulator over HTTP through libcurl) and a dataset of its own ("teams",
// a strategy that keeps the vendor's teams as the source's profiles). Each is one
// row handed to its table: the Simulator's, the composition root's source types and
// its dataset table. Synced end to end: configuration file, root, libcurl, the
// simulator on 127.0.0.1, the SQLite store.

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <array>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "../store/temp_db.hpp"
#include "app/root.hpp"
#include "sim/generator.hpp"
#include "sim/reply.hpp"
#include "sim/simulator.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"
#include "store/writer.hpp"

namespace rosterd::app {
namespace {

// --- The simulator module -------------------------------------------------------

// Every request needs X-Acme-Key.
std::optional<sim::detail::Reply> refused(sim::detail::TenantState& state, const httplib::Request& request) {
  state.count_request(sim::Endpoint::listing);
  if (request.get_header_value("X-Acme-Key") == state.options.api_key) return std::nullopt;
  ++state.stats.auth_rejections;
  return sim::detail::json_reply(401, R"({"error":"bad key"})");
}

// GET /<tenant>/acme/users: {"agents":[{"id":..,"login":..,"team":..,"enabled":..}]}
sim::detail::Reply list_users(sim::detail::TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  if (auto reply = refused(state, request)) return *reply;
  std::string body;
  for (const auto position : state.users.listed()) {
    const auto user = state.users.materialize(state.users.entry(position));
    body += (body.empty() ? "" : ",") + std::string(R"({"id":)") + std::to_string(user.id) + R"(,"login":")" +
            user.username + R"(","team":")" + user.group + R"(","enabled":)" + (user.active ? "true" : "false") + "}";
  }
  return sim::detail::json_reply(200, R"({"agents":[)" + body + "]}");
}

// GET /<tenant>/acme/teams: {"teams":[{"slug":..,"title":..}]}, the teams its users are in.
sim::detail::Reply list_teams(sim::detail::TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  if (auto reply = refused(state, request)) return *reply;
  std::set<std::string> teams;
  for (const auto position : state.users.listed()) {
    teams.insert(state.users.materialize(state.users.entry(position)).group);
  }
  std::string body;
  for (const auto& team : teams) {
    body += (body.empty() ? "" : ",") + std::string(R"({"slug":")") + team + R"(","title":"Team )" + team + "\"}";
  }
  return sim::detail::json_reply(200, R"({"teams":[)" + body + "]}");
}

constexpr std::array<sim::VendorRoute, 2> k_routes = {{
    {"GET", "/acme/users", list_users},
    {"GET", "/acme/teams", list_teams},
}};

void fill_user(sim::SimUser& user, const sim::TenantOptions& options, std::uint32_t index) {
  user.group = "t" + std::to_string(sim::detail::draw(options, index, sim::detail::k_salt_role, 3));
}

void fill_credentials(sim::TenantOptions& options) {
  if (options.api_key.empty()) options.api_key = sim::detail::default_secret(options, 1, 24);
}

std::string credentials_yaml(const sim::TenantOptions& options) {
  return "    api_key: \"" + options.api_key + "\"\n";
}

const sim::VendorModule k_acme_module{
    .name = "acmedesk",
    .routes = k_routes,
    .config_path = "/acme",
    .first_user_id = 7000,
    .fill_user = fill_user,
    .fill_credentials = fill_credentials,
    .credentials_yaml = credentials_yaml,
};

// --- The source type --------------------------------------------------------------

const model::Dataset k_teams{"teams"};

class AcmeSource final : public sources::Source {
 public:
  explicit AcmeSource(const config::SourceConfig& config)
      : m_name(config.name), m_url(config.url), m_key(config.setting("api_key")->value) {}

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(sources::RunContext& context, sources::UserSink& sink) override {
    return fetch(context, "/users", "agents", [&](simdjson::dom::element item) {
      model::User user;
      user.external_id = std::to_string(int64_t(item["id"]));
      user.username = std::string(std::string_view(item["login"]));
      user.user_group = std::string(std::string_view(item["team"]));
      user.active = bool(item["enabled"]);
      return sink.add(std::move(user));
    });
  }

  core::Status fetch_entities(sources::RunContext& context, const model::Dataset& dataset,
                              sources::EntitySink& sink) override {
    if (dataset != k_teams) return Source::fetch_entities(context, dataset, sink);
    return fetch(context, "/teams", "teams", [&](simdjson::dom::element item) {
      return sink.add({std::string(std::string_view(item["slug"])), std::string(std::string_view(item["title"])), {}});
    });
  }

  core::Status check_connection(sources::RunContext& context) override {
    return fetch(context, "/users", "agents", [](simdjson::dom::element) { return core::Status{}; });
  }

 private:
  template <class Each>
  core::Status fetch(sources::RunContext& context, const std::string& path, const char* list, Each each) {
    http::Request request;
    request.url = m_url + path;
    request.headers.push_back({"X-Acme-Key", m_key});
    request.label = "GET " + request.url;
    auto response = context.http.send(request, context.stop);
    if (!response) return std::move(response).error();
    if (response->status != 200) {
      return core::Error{core::ErrorKind::http, request.label + ": HTTP " + std::to_string(response->status)};
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(response->body).get(root) != simdjson::SUCCESS) {
      return core::Error{core::ErrorKind::parse, request.label + ": not JSON"};
    }
    for (const auto item : root[list].get_array()) {
      if (auto added = each(item); !added) return added;
    }
    return {};
  }

  std::string m_name;
  std::string m_url;
  std::string m_key;
};

std::unique_ptr<sources::Source> make_acme(const config::SourceConfig& config) {
  return std::make_unique<AcmeSource>(config);
}

const sources::SourceType k_acme_type{
    .schema = {.type = "acmedesk",
               .settings = {config::secret_setting("api_key")},
               .datasets = {"users", "teams"},
               .default_datasets = {"users", "teams"},
               .volatile_fields = {},
               .credentials = {{"api_key"}}},
    .create = &make_acme,
};

// --- The dataset ------------------------------------------------------------------

// The vendor's teams, kept as the source's profiles: new ones added, renamed ones
// updated. Teams are not removed (the strategy offers no complete-listing guard).
class TeamsRun final : public sync::DatasetRun {
 public:
  explicit TeamsRun(const sync::DatasetInputs& inputs) : m_in(inputs) {}

  core::Status fetch(sources::RunContext& context) override {
    return m_in.handle.source.fetch_entities(context, m_in.dataset, m_sink);
  }
  [[nodiscard]] std::int64_t fetched() const override { return static_cast<std::int64_t>(m_sink.teams.size()); }

  sync::PlanResult plan() override {
    const auto stored = m_in.reader.entity_lookup(model::Entity::profile, m_in.handle.config.name);
    sync::PlanResult plan;
    plan.fetched = fetched();
    for (auto& team : m_sink.teams) {
      const auto before = stored->find(team.key);
      if (!before) {
        m_changes.push_back({sync::ChangeKind::added, std::move(team), {}});
      } else if (before->name != team.name) {
        m_changes.push_back({sync::ChangeKind::updated, std::move(team), {{"name", before->name, team.name}}});
      } else {
        ++plan.unchanged;
      }
    }
    return plan;
  }

  core::Status write(store::Database& db, const store::ChangeStamp& stamp, sync::ChangeReport& report) override {
    const auto writer = db.entity_writer(model::Entity::profile, stamp);
    for (const auto& change : m_changes) {
      report.change(change.kind, [&] { return line(change); });
      if (change.kind == sync::ChangeKind::added) writer->add(change.team);
      if (change.kind == sync::ChangeKind::updated) writer->update(change.team, change.fields);
    }
    return {};
  }

  core::Status preview(sync::ChangeReport& report) override {
    for (const auto& change : m_changes) report.change(change.kind, [&] { return line(change); });
    return {};
  }

 private:
  struct Planned;
  [[nodiscard]] std::string line(const Planned& change) const {
    return m_in.handle.config.name + ": team " + change.team.key + " " + std::string(sync::to_string(change.kind));
  }

  struct Collect final : sources::EntitySink {
    using sources::EntitySink::add;
    void restart() override { teams.clear(); }
    core::Status add(model::NamedEntity&& team) override {
      teams.push_back(std::move(team));
      return {};
    }
    std::vector<model::NamedEntity> teams;
  };
  struct Planned {
    sync::ChangeKind kind;
    model::NamedEntity team;
    std::vector<model::FieldChange> fields;
  };

  sync::DatasetInputs m_in;
  Collect m_sink;
  std::vector<Planned> m_changes;
};

std::unique_ptr<sync::DatasetRun> start_teams(const sync::DatasetInputs& inputs) {
  return std::make_unique<TeamsRun>(inputs);
}

// --- The registrations: one row in each table ---------------------------------------

template <class Row>
std::vector<Row> with(std::span<const Row> built_in, const Row& extra) {
  std::vector<Row> rows(built_in.begin(), built_in.end());
  rows.push_back(extra);
  return rows;
}

class FifthVendor : public ::testing::Test {
 protected:
  void SetUp() override { m_sim.start(0); }

  const std::vector<sources::SourceType> m_types = with(sources::source_types(), k_acme_type);
  const std::vector<sync::DatasetType> m_datasets =
      with(sync::dataset_types(), sync::DatasetType{k_teams, &start_teams});
  const Root m_root{m_types, core::system_clock(), m_datasets};
  sim::Simulator m_sim{sim::SimulatorOptions{}, std::span(&k_acme_module, 1)};
  testing::TempDir m_dir;
};

TEST_F(FifthVendor, SyncsItsUsersAndItsOwnDatasetEndToEnd) {
  auto& tenant = m_sim.add_tenant({.name = "acme", .vendor = "acmedesk", .users = 12, .seed = 5});
  const auto path = m_dir.file("rosterd.yaml");
  std::ofstream(path) << "database: " << m_dir.file("roster.db") << "\nsources:\n" << tenant.source_yaml();

  const auto config = m_root.load_config(path);
  ASSERT_EQ(config.sources.size(), 1u);
  EXPECT_EQ(config.sources[0].datasets, (std::vector<std::string>{"users", "teams"}));
  const auto source = m_root.build(config.sources[0]);
  const auto db = m_root.open_store(config.database, StoreAccess::read_write);
  store::Writer writer(*db);
  auto runner = m_root.runner(*db, writer);
  auto run_all = [&] {
    std::map<std::string, sync::RunOutcome> outcomes;
    for (const auto& dataset : source->datasets()) {
      outcomes[dataset.name()] = runner.run(source->handle(), dataset, {});
    }
    return outcomes;
  };

  auto first = run_all();
  ASSERT_EQ(first["users"].status, store::RunStatus::ok) << first["users"].error.value_or("");
  ASSERT_EQ(first["teams"].status, store::RunStatus::ok) << first["teams"].error.value_or("");
  EXPECT_EQ(first["users"].counts.added, 12);
  std::set<std::string> teams;
  for (const auto& user : tenant.users()) teams.insert(user.group);
  EXPECT_EQ(first["teams"].counts.added, static_cast<std::int64_t>(teams.size()));
  EXPECT_GT(first["users"].counts.requests, 0) << "through the run's HTTP chain";

  const auto sim_user = tenant.users().front();
  const auto stored = db->user_lookup("acme")->find(std::to_string(sim_user.id));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->user.username, sim_user.username);
  EXPECT_EQ(stored->user.user_group, sim_user.group);
  const auto team = db->entity_lookup(model::Entity::profile, "acme")->find(*teams.begin());
  ASSERT_TRUE(team.has_value());
  EXPECT_EQ(team->name, "Team " + *teams.begin());

  // The vendor changes: a user moves to a new team, another leaves.
  tenant.update_user(sim_user.id, [](sim::SimUser& user) { user.group = "t9"; });
  tenant.remove_user(tenant.users().back().id);
  auto second = run_all();
  EXPECT_EQ(second["users"].status, store::RunStatus::ok) << second["users"].error.value_or("");
  EXPECT_EQ(second["users"].counts.updated, 1);
  EXPECT_EQ(second["users"].counts.removed, 1);
  EXPECT_EQ(second["teams"].counts.added, 1);
  EXPECT_EQ(db->user_lookup("acme")->find(std::to_string(sim_user.id))->user.user_group, "t9");
  EXPECT_TRUE(db->entity_lookup(model::Entity::profile, "acme")->find("t9").has_value());

  auto third = run_all();
  EXPECT_EQ(third["users"].counts.unchanged, 11);
  EXPECT_EQ(third["teams"].counts.unchanged, second["teams"].counts.fetched);
  EXPECT_EQ(third["teams"].counts.added + third["teams"].counts.updated, 0);
}

TEST_F(FifthVendor, ARootWithoutItsDatasetRowFailsThatDatasetClearly) {
  auto& tenant = m_sim.add_tenant({.name = "acme", .vendor = "acmedesk", .users = 3});
  const auto path = m_dir.file("rosterd.yaml");
  std::ofstream(path) << "database: " << m_dir.file("roster.db") << "\nsources:\n" << tenant.source_yaml();
  const Root no_teams{m_types};
  const auto config = no_teams.load_config(path);
  const auto source = no_teams.build(config.sources[0]);
  const auto db = no_teams.open_store(config.database, StoreAccess::read_write);
  store::Writer writer(*db);
  auto runner = no_teams.runner(*db, writer);
  EXPECT_EQ(runner.run(source->handle(), model::Dataset::users, {}).status, store::RunStatus::ok);
  const auto teams = runner.run(source->handle(), k_teams, {});
  EXPECT_EQ(teams.status, store::RunStatus::failed);
  EXPECT_EQ(teams.error.value_or(""), "dataset teams has no strategy (no row in the dataset table)");
  bool recorded = false;  // in sync_runs, for `rosterd status`
  for (const auto& run : db->latest_runs()) {
    if (run.dataset != "teams") continue;
    recorded = true;
    EXPECT_EQ(run.status, store::RunStatus::failed);
    EXPECT_EQ(run.error, teams.error);
  }
  EXPECT_TRUE(recorded);
}

}  // namespace
}  // namespace rosterd::app

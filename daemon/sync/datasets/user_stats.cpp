// user_stats: one call per listed user returns the user's statistics of the day and
// the part of the user record that only this call supplies (handle.info_columns and
// attributes prefixed model::k_user_info_prefix). The part enriches the stored user:
// a change of it is a new user version like any other; a part never read before
// (the dataset is new for the source, or the user is) is a first fill.

#include "model/diff.hpp"
#include "model/user_parts.hpp"
#include "sync/change_lines.hpp"
#include "sync/datasets/per_user.hpp"

namespace rosterd::sync {
namespace {

struct Enrichment {
  model::User user;  // the stored record with the new part
  std::int64_t prior_version = 0;
  std::vector<model::FieldChange> fields;
  std::vector<model::FieldChange> filled;  // a first fill: the user's part was never read
  std::int64_t part_hash = 0;
};

class UserStatsRun final : public DatasetRun {
 public:
  explicit UserStatsRun(const DatasetInputs& inputs) : m_in(inputs) {}

  core::Status fetch(sources::RunContext& context) override {
    m_asked = user_refs(m_in.reader.load_listed_users(name()), false);
    return m_in.handle.source.fetch_user_info(context, m_asked, m_sink);
  }

  [[nodiscard]] std::int64_t fetched() const override { return m_sink.count(); }

  PlanResult plan() override {
    const auto stored_hashes = m_in.reader.load_part_hashes(name());
    const auto policy = model::make_field_policy(m_in.handle.config.volatile_fields);
    const auto reader = m_in.reader.user_lookup(name());
    for (const auto& [user, result] : m_sink.results) {
      const auto hash = model::info_hash(result.info);
      const auto it = stored_hashes.find(user.external_id);
      if (it == stored_hashes.end() || it->second == hash) continue;  // removed meanwhile, or unchanged
      auto stored = reader->find(user.external_id);
      if (!stored) continue;
      Enrichment e{stored->user, stored->version, {}, {}, hash};
      model::merge_info(e.user, result.info, m_in.handle.info_columns);
      const bool first_fill = !it->second.has_value();
      auto split = model::split_fields(model::diff(stored->user, e.user),
                                       model::FieldPolicy{policy.volatile_attributes, first_fill});
      e.fields = std::move(split.changes);
      e.filled = std::move(split.filled);
      if (e.fields.empty() && e.filled.empty()) {
        m_hash_only.emplace_back(user.external_id, hash);
      } else {
        m_enrichments.push_back(std::move(e));
      }
    }
    PlanResult plan;
    settle(plan, m_sink, m_asked.size());
    plan.unchanged = plan.fetched - static_cast<std::int64_t>(m_enrichments.size());
    m_policy = policy;
    return plan;
  }

  core::Status write(store::Database& db, const store::ChangeStamp& stamp, ChangeReport& report) override {
    const auto users = db.user_writer(stamp, m_in.handle.info_columns, m_policy);
    for (const auto& e : m_enrichments) {
      report_change(e, report);
      users->enrich(e.user, e.prior_version, e.fields, e.filled, e.part_hash);
    }
    for (const auto& [id, hash] : m_hash_only) users->set_part_hash(id, hash);
    const auto stats = db.user_stats_writer(stamp);
    const auto stat_date = m_in.started_at.substr(0, 10);
    for (const auto& [user, result] : m_sink.results) stats->upsert(user.external_id, stat_date, result.stats);
    return {};
  }

  core::Status preview(ChangeReport& report) override {
    for (const auto& e : m_enrichments) report_change(e, report);
    return {};
  }

 private:
  [[nodiscard]] const std::string& name() const { return m_in.handle.config.name; }

  void report_change(const Enrichment& e, ChangeReport& report) const {
    const auto kind = e.fields.empty() ? ChangeKind::filled : ChangeKind::updated;
    report.change(kind, [&] { return change_line(name(), Change<model::User>{kind, e.user, e.fields, e.filled, 0}); });
  }

  DatasetInputs m_in;
  std::vector<sources::UserRef> m_asked;
  CollectingSink<model::UserInfoResult> m_sink;
  model::FieldPolicy m_policy;
  std::vector<Enrichment> m_enrichments;
  std::vector<std::pair<std::string, std::int64_t>> m_hash_only;
};

}  // namespace

std::unique_ptr<DatasetRun> start_user_stats(const DatasetInputs& inputs) {
  return std::make_unique<UserStatsRun>(inputs);
}

}  // namespace rosterd::sync

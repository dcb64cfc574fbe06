// The users a run writes: user_state, user_versions, user_portfolios and their changes,
// each kind of row gathered in a batch (batch.hpp): new rows sent with COPY, updates as
// arrays, one statement per thousands of users.
#include <fmt/format.h>

#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "store/postgresql/database.hpp"
#include "store/rendered_user.hpp"

namespace rosterd::store::postgresql {
namespace {

void add_user_columns(CopyBatch& batch, const UserColumns& columns) {
  const auto& user = columns.user;
  for (const auto& field : model::k_user_text_fields) batch.text(user.*field.member);
  if (user.active) {
    batch.text(*user.active ? "t" : "f");
  } else {
    batch.null();
  }
  batch.text(columns.attributes).text(columns.portfolios);
}

class PgUserWriter final : public store::UserWriter {
 public:
  // Every hash comes with the record (store::UserWriter), so the source's info columns
  // play no part here.
  PgUserWriter(Connection& connection, std::shared_ptr<BatchGroup> group, const ChangeStamp& stamp,
               model::FieldPolicy policy)
      : m_connection(connection),
        m_group(std::move(group)),
        m_stamp(stamp),
        m_policy(std::move(policy)),
        m_insert_state(m_group->add(CopyBatch(
            "COPY user_state (source, external_id, version, removed, content_hash, live_attributes) FROM STDIN"))),
        m_update_state(m_group->add(Batch(
            "UPDATE user_state AS s SET version = t.v, removed = t.r, content_hash = coalesce(t.h, s.content_hash), "
            "live_attributes = t.l::json FROM unnest($2::text[], $3::bigint[], $4::boolean[], $5::bigint[], "
            "$6::text[]) AS t (e, v, r, h, l) WHERE s.source = $1 AND s.external_id = t.e",
            Params().text(stamp.source), 5, "users vanished during the run (no user_state row)"))),
        m_close_version(m_group->add(Batch(
            "UPDATE user_versions AS v SET valid_to = $2 FROM unnest($3::text[], $4::bigint[]) AS t (e, n) "
            "WHERE v.source = $1 AND v.external_id = t.e AND v.version = t.n AND v.valid_to IS NULL",
            Params().text(stamp.source).text(stamp.at), 2, "users had no open version to close"))),
        m_insert_version(m_group->add(CopyBatch(
            fmt::format("COPY user_versions (source, external_id, version, valid_from, run_id, op, {}) FROM STDIN",
                        k_user_columns)))),
        m_delete_portfolios(m_group->add(
            Batch("DELETE FROM user_portfolios WHERE source = $1 AND external_id = ANY ($2::text[])",
                  Params().text(stamp.source), 1))),
        m_insert_portfolio(
            m_group->add(CopyBatch("COPY user_portfolios (source, external_id, portfolio) FROM STDIN"))),
        m_changes(m_group->add(
            CopyBatch("COPY changes (run_id, changed_at, source, entity, entity_key, change, field, old_value, "
                      "new_value, version) FROM STDIN"))),
        m_refresh(m_group->add(Batch(
            "UPDATE user_state AS s SET content_hash = t.h, live_attributes = t.l::json "
            "FROM unnest($2::text[], $3::bigint[], $4::text[]) AS t (e, h, l) "
            "WHERE s.source = $1 AND s.external_id = t.e",
            Params().text(stamp.source), 3))),
        m_set_info_hash(m_group->add(Batch(
            "UPDATE user_state AS s SET info_hash = t.h FROM unnest($2::text[], $3::bigint[]) AS t (e, h) "
            "WHERE s.source = $1 AND s.external_id = t.e",
            Params().text(stamp.source), 2))) {}

  void add(const model::User& user, std::int64_t hash) override {
    const RenderedUser rendered(user, m_policy);
    m_insert_state.text(m_stamp.source).text(user.external_id).number(1).text("f").number(hash).text(
        rendered.live_attributes);
    m_insert_state.end_row();
    write_version(rendered.history(), 1, "added");
    write_portfolios(user, false);
    record_change("added", user.external_id, 1);
    done();
  }

  void update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled, std::optional<std::int64_t> hash) override {
    const RenderedUser rendered(user, m_policy);
    const std::int64_t version = prior_version + 1;
    next_version(rendered, prior_version, hash, fields.empty() ? "filled" : "updated");
    bool portfolios = false;
    for (const auto* list : {&fields, &filled}) {
      for (const auto& f : *list) portfolios = portfolios || f.field == "portfolios";
    }
    if (portfolios) write_portfolios(user, true);
    for (const auto& f : fields) record_change("updated", user.external_id, version, f.field, f.old_value, f.new_value);
    if (!filled.empty()) {
      record_change("filled", user.external_id, version, std::nullopt, std::nullopt,
                    model::filled_json(std::vector<model::FieldChange>(filled.begin(), filled.end())));
    }
    done();
  }

  void remove(const model::User& last, std::int64_t prior_version) override {
    const RenderedUser rendered(last, m_policy);
    // Not listed: its content hash stays; a removed user is compared in full when listed again.
    next_version(rendered, prior_version, std::nullopt, "removed");
    record_change("removed", last.external_id, prior_version + 1);
    done();
  }

  void restore(const model::User& user, std::int64_t prior_version, std::int64_t hash) override {
    const RenderedUser rendered(user, m_policy);
    next_version(rendered, prior_version, hash, "restored");
    write_portfolios(user, true);
    record_change("restored", user.external_id, prior_version + 1);
    done();
  }

  // The record's history is as stored: only user_state changes. Its live attributes are
  // those the open version does not hold.
  void refresh(const model::User& user, std::int64_t hash) override {
    const auto in_version = translate_errors(m_connection.display(), [&] {
      const auto r = m_connection.exec(
          "SELECT attributes FROM user_versions WHERE source = $1 AND external_id = $2 AND valid_to IS NULL",
          Params().text(m_stamp.source).text(user.external_id));
      if (r.rows() == 0) {
        throw StoreError(fmt::format("{}: user {} has no open version", m_stamp.source, user.external_id));
      }
      return model::parse_attributes_json(r.view(0, 0));
    });
    model::Attributes live;
    for (const auto& [key, value] : user.attributes) {
      if (!in_version.contains(key)) live.emplace(key, value);
    }
    m_refresh[0].add(user.external_id);
    m_refresh[1].add_number(hash);
    if (live.empty()) {
      m_refresh[2].add_null();
    } else {
      m_refresh[2].add(model::attributes_json(live));
    }
    m_refresh.end_row();
    done();
  }

  // The listing's content hash stays: what the vendor listed did not change.
  void enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled, std::int64_t part_hash) override {
    update(user, prior_version, fields, filled, std::nullopt);
    set_part_hash(user.external_id, part_hash);
  }

  void set_part_hash(const std::string& external_id, std::int64_t part_hash) override {
    m_set_info_hash[0].add(external_id);
    m_set_info_hash[1].add_number(part_hash);
    m_set_info_hash.end_row();
    done();
  }

 private:
  void write_version(const UserColumns& columns, std::int64_t version, const char* op) {
    m_insert_version.text(m_stamp.source).text(columns.user.external_id).number(version).text(m_stamp.at).number(
        m_stamp.run_id).text(op);
    add_user_columns(m_insert_version, columns);
    m_insert_version.end_row();
  }

  void write_portfolios(const model::User& user, bool replace) {
    if (replace) {
      m_delete_portfolios[0].add(user.external_id);
      m_delete_portfolios.end_row();
    }
    if (!user.portfolios) return;
    for (const auto& code : *user.portfolios) {
      m_insert_portfolio.text(m_stamp.source).text(user.external_id).text(code);
      m_insert_portfolio.end_row();
    }
  }

  // The next version of a known user: user_state moved to it, the open version closed,
  // the new one written.
  void next_version(const RenderedUser& rendered, std::int64_t prior_version, std::optional<std::int64_t> hash,
                    const char* op) {
    const auto& id = rendered.current.user.external_id;
    m_update_state[0].add(id);
    m_update_state[1].add_number(prior_version + 1);
    m_update_state[2].add(std::string_view(op) == "removed" ? "true" : "false");
    if (hash) {
      m_update_state[3].add_number(*hash);
    } else {
      m_update_state[3].add_null();
    }
    m_update_state[4].add(rendered.live_attributes);
    m_update_state.end_row();
    m_close_version[0].add(id);
    m_close_version[1].add_number(prior_version);
    m_close_version.end_row();
    write_version(rendered.history(), prior_version + 1, op);
  }

  void record_change(const char* change, const std::string& key, std::int64_t version,
                     const std::optional<std::string>& field = std::nullopt,
                     const std::optional<std::string>& old_value = std::nullopt,
                     const std::optional<std::string>& new_value = std::nullopt) {
    m_changes.number(m_stamp.run_id).text(m_stamp.at).text(m_stamp.source).text("user").text(key).text(change);
    m_changes.text(field).text(old_value).text(new_value).number(version);
    m_changes.end_row();
  }

  // Between two users: a full batch goes to the server now.
  void done() {
    translate_errors(m_connection.display(), [&] { m_group->flush_if_full(m_connection); });
  }

  Connection& m_connection;
  std::shared_ptr<BatchGroup> m_group;
  ChangeStamp m_stamp;
  model::FieldPolicy m_policy;
  // In the order they are flushed: a version closed before the next is inserted.
  CopyBatch& m_insert_state;
  Batch& m_update_state;
  Batch& m_close_version;
  CopyBatch& m_insert_version;
  Batch& m_delete_portfolios;
  CopyBatch& m_insert_portfolio;
  CopyBatch& m_changes;
  Batch& m_refresh;
  Batch& m_set_info_hash;
};

}  // namespace

std::unique_ptr<store::UserWriter> Database::user_writer(const ChangeStamp& stamp, model::InfoColumns,
                                                         const model::FieldPolicy& policy) {
  return std::make_unique<PgUserWriter>(m_connection, join_write(stamp.source), stamp, policy);
}

}  // namespace rosterd::store::postgresql

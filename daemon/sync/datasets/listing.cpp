#include "sync/datasets/listing.hpp"

#include <memory>

#include "sync/change_lines.hpp"
#include "sync/planner.hpp"

namespace rosterd::sync {
namespace {

// What differs between a listing of users and a listing of named entities.
template <class Record>
struct Listing;

template <>
struct Listing<model::User> {
  using Writer = store::UserWriter;

  static Planner<model::User> planner(const DatasetInputs& in, const model::FieldPolicy& policy) {
    const auto columns = in.handle.info_columns;
    return Planner<model::User>(
        in.reader.load_user_index(in.handle.config.name), in.spool_directory,
        [columns](const model::User& user) { return model::listing_hash(user, columns); },
        [columns](const model::User& stored, model::User& incoming) {
          model::merge_info(incoming, model::info_view(stored, columns), columns);
        },
        policy);
  }
  static Planner<model::User>::Loader loader(store::Database& db, const DatasetInputs& in) {
    std::shared_ptr<store::UserLookup> reader = db.user_lookup(in.handle.config.name);
    return [reader](const std::string& key) -> std::optional<model::User> {
      auto stored = reader->find(key);
      if (!stored) return std::nullopt;
      return std::move(stored->user);
    };
  }
  static core::Status fetch(const DatasetInputs& in, sources::RunContext& context, Planner<model::User>& sink) {
    return in.handle.source.fetch_users(context, sink);
  }
  static std::unique_ptr<Writer> writer(store::Database& db, const store::ChangeStamp& stamp, const DatasetInputs& in,
                                        const model::FieldPolicy& policy) {
    return db.user_writer(stamp, in.handle.info_columns, policy);
  }
  static void write(Writer& writer, const Change<model::User>& c) {
    switch (c.kind) {
      case ChangeKind::added:
        writer.add(c.record, c.hash);
        break;
      case ChangeKind::updated:
      case ChangeKind::filled:
        writer.update(c.record, c.prior_version, c.fields, c.filled, c.hash);
        break;
      case ChangeKind::removed:
        writer.remove(c.record, c.prior_version);
        break;
      case ChangeKind::restored:
        writer.restore(c.record, c.prior_version, c.hash);
        break;
    }
  }
  static void refresh(Writer& writer, const model::User& record, std::int64_t hash) { writer.refresh(record, hash); }
  static std::string line(const DatasetInputs& in, const Change<model::User>& change) {
    return change_line(in.handle.config.name, change);
  }
};

template <>
struct Listing<model::NamedEntity> {
  using Writer = store::EntityWriter;

  static model::Entity entity(const DatasetInputs& in) { return model::entity_of(in.dataset).value(); }
  static Planner<model::NamedEntity> planner(const DatasetInputs& in, const model::FieldPolicy&) {
    return Planner<model::NamedEntity>(in.reader.load_entity_index(entity(in), in.handle.config.name),
                                       in.spool_directory);
  }
  static Planner<model::NamedEntity>::Loader loader(store::Database& db, const DatasetInputs& in) {
    std::shared_ptr<store::EntityLookup> reader = db.entity_lookup(entity(in), in.handle.config.name);
    return [reader](const std::string& key) { return reader->find(key); };
  }
  static core::Status fetch(const DatasetInputs& in, sources::RunContext& context, Planner<model::NamedEntity>& sink) {
    return in.handle.source.fetch_entities(context, in.dataset, sink);
  }
  static std::unique_ptr<Writer> writer(store::Database& db, const store::ChangeStamp& stamp, const DatasetInputs& in,
                                        const model::FieldPolicy&) {
    return db.entity_writer(entity(in), stamp);
  }
  static void write(Writer& writer, const Change<model::NamedEntity>& c) {
    switch (c.kind) {
      case ChangeKind::added:
        writer.add(c.record);
        break;
      case ChangeKind::updated:
      case ChangeKind::filled:
        writer.update(c.record, c.fields);
        break;
      case ChangeKind::removed:
        writer.remove(c.record);
        break;
      case ChangeKind::restored:
        writer.restore(c.record);
        break;
    }
  }
  // Entities store the hash of the normalized record, which is what `hash` is for them.
  static void refresh(Writer& writer, const model::NamedEntity& record, std::int64_t) { writer.refresh(record); }
  static std::string line(const DatasetInputs& in, const Change<model::NamedEntity>& change) {
    return change_line(in.handle.config.name, entity(in), change);
  }
};

// The volatile fields of the source, and whether this run is the first after an
// upgrade that reads more of the dataset's records (reader version went up).
model::FieldPolicy field_policy(const DatasetInputs& in) {
  const auto stored = in.reader.load_reader_version(in.handle.config.name, model::to_string(in.dataset));
  return model::make_field_policy(in.handle.config.volatile_fields, stored && *stored < in.handle.reader_version);
}

template <class Record>
class ListingRun final : public DatasetRun {
  using L = Listing<Record>;

 public:
  explicit ListingRun(const DatasetInputs& inputs)
      : m_in(inputs), m_policy(field_policy(inputs)), m_planner(L::planner(inputs, m_policy)) {}

  core::Status fetch(sources::RunContext& context) override { return L::fetch(m_in, context, m_planner); }

  [[nodiscard]] std::int64_t fetched() const override { return m_planner.fetched(); }

  PlanResult plan() override {
    const auto listing = m_planner.summary();
    return {listing.fetched, listing.unchanged, listing, store::RunStatus::ok, std::nullopt};
  }

  core::Status write(store::Database& db, const store::ChangeStamp& stamp, ChangeReport& report) override {
    const auto writer = L::writer(db, stamp, m_in, m_policy);
    auto resolved = m_planner.resolve(
        L::loader(db, m_in),
        [&](Change<Record>&& change) {
          report.change(change.kind, [&] { return L::line(m_in, change); });
          L::write(*writer, change);
        },
        [&](const Record& record, std::int64_t hash) {
          report.unchanged();
          L::refresh(*writer, record, hash);
        });
    if (!resolved) return resolved;
    db.save_reader_version(stamp.source, model::to_string(m_in.dataset), m_in.handle.reader_version);
    return {};
  }

  core::Status preview(ChangeReport& report) override {
    return m_planner.resolve(
        L::loader(m_in.reader, m_in),
        [&](Change<Record>&& change) { report.change(change.kind, [&] { return L::line(m_in, change); }); },
        [&](const Record&, std::int64_t) { report.unchanged(); });
  }

 private:
  DatasetInputs m_in;
  model::FieldPolicy m_policy;
  Planner<Record> m_planner;
};

}  // namespace

std::unique_ptr<DatasetRun> start_user_listing(const DatasetInputs& inputs) {
  return std::make_unique<ListingRun<model::User>>(inputs);
}

std::unique_ptr<DatasetRun> start_entity_listing(const DatasetInputs& inputs) {
  return std::make_unique<ListingRun<model::NamedEntity>>(inputs);
}

}  // namespace rosterd::sync

#pragma once
// The sink a source streams its listing into. Each record is hashed and looked
// up in the index of stored records: an unchanged record costs that lookup and
// nothing else; a changed or new one is spooled. A duplicate id fails the run
// (README, "Sync semantics"). After the fetch, resolve() replays the spooled records against the
// stored state and emits the changes one by one, then the removals.

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "model/canonical.hpp"
#include "model/field_policy.hpp"
#include "sources/source.hpp"
#include "store/record_index.hpp"
#include "sync/plan.hpp"
#include "sync/record_spool.hpp"

namespace rosterd::sync {

inline const std::string& record_key(const model::User& user) {
  return user.external_id;
}
inline const std::string& record_key(const model::NamedEntity& entity) {
  return entity.key;
}

template <class Record>
class Planner final : public sources::Sink<Record> {
 public:
  // Reads the stored state of one record; nullopt if it is gone, which the
  // planner reports as an internal error.
  using Loader = std::function<std::optional<Record>(const std::string& key)>;
  // The hash compared with the stored one: the part of the record this listing owns.
  using Hash = std::function<std::int64_t(const Record&)>;
  // Copies what this listing does not own from the stored record into a changed
  // one before it is diffed and written (CrocoDial's getUserInfo part).
  using CarryOver = std::function<void(const Record& stored, Record& incoming)>;
  using Emit = std::function<void(Change<Record>&&)>;
  // A record whose history is as stored but whose stored row is not: its volatile
  // fields changed, or its stored hash is stale. Stored again, without a version.
  using Refresh = std::function<void(const Record&, std::int64_t hash)>;

  Planner(store::RecordIndex index, std::string spool_directory, Hash hash = {}, CarryOver carry_over = {},
          model::FieldPolicy policy = {})
      : m_index(std::move(index)),
        m_spool(std::move(spool_directory)),
        m_hash(std::move(hash)),
        m_carry_over(std::move(carry_over)),
        m_policy(std::move(policy)) {
    if (!m_hash) m_hash = [](const Record& record) { return model::content_hash(record); };
  }

  void restart() override {
    m_index.restart();
    m_spool.clear();
    m_fetched = 0;
    m_unchanged = 0;
  }

  core::Status add(Record&& record) override {
    const auto hash = m_hash(record);
    return add_hashed(std::move(record), hash);
  }
  core::Status add(Record&& record, std::int64_t digest) override { return add_hashed(std::move(record), digest); }

  core::Result<bool> unchanged(std::string_view key, std::int64_t digest) override {
    auto* entry = key.empty() ? nullptr : m_index.find(key);
    if (entry == nullptr) return false;
    if (entry->seen) return duplicate(std::string(key));
    if (entry->removed || entry->content_hash != digest) return false;
    entry->seen = true;
    ++m_fetched;
    ++m_unchanged;
    return true;
  }

  [[nodiscard]] std::int64_t fetched() const { return m_fetched; }

  [[nodiscard]] ListingSummary summary() const {
    ListingSummary s;
    s.fetched = m_fetched;
    s.unchanged = m_unchanged;
    s.pending = static_cast<std::int64_t>(m_spool.size());
    m_index.for_each([&](std::string_view, const store::RecordIndex::Entry& e) {
      if (e.added || e.removed) return;
      ++s.listed_before;
      if (!e.seen) ++s.removals;
    });
    return s;
  }

  // Emits every change: the spooled records in listing order, then the removals
  // in key order. Consumes the spool.
  core::Status resolve(const Loader& load, const Emit& emit, const Refresh& refresh) {
    std::optional<core::Error> failure;
    m_spool.drain([&](Record&& record, std::int64_t hash) {
      if (failure) return;
      const auto* entry = m_index.find(record_key(record));
      if (entry == nullptr || entry->added) {
        emit({ChangeKind::added, std::move(record), {}, {}, 0, hash});
        return;
      }
      auto before = load(record_key(record));
      if (!before) {
        failure = missing(record_key(record));
        return;
      }
      if (m_carry_over) m_carry_over(*before, record);
      auto split = model::split_fields(model::diff(*before, record), m_policy);
      if (entry->removed) {
        // A restore is a whole-record event: what differs is listed, nothing is a fill.
        auto fields = std::move(split.changes);
        fields.insert(fields.end(), split.filled.begin(), split.filled.end());
        emit({ChangeKind::restored, std::move(record), std::move(fields), {}, entry->version, hash});
      } else if (!split.changes.empty()) {
        emit({ChangeKind::updated, std::move(record), std::move(split.changes), std::move(split.filled), entry->version,
              hash});
      } else if (!split.filled.empty()) {
        emit({ChangeKind::filled, std::move(record), {}, std::move(split.filled), entry->version, hash});
      } else {
        refresh(record, hash);
      }
    });
    if (failure) return *failure;

    std::vector<std::string_view> gone;
    m_index.for_each([&](std::string_view key, const store::RecordIndex::Entry& e) {
      if (!e.added && !e.removed && !e.seen) gone.push_back(key);
    });
    std::sort(gone.begin(), gone.end());
    for (const auto key : gone) {
      const std::string id(key);
      auto last = load(id);
      if (!last) return missing(id);
      emit({ChangeKind::removed, std::move(*last), {}, {}, m_index.find(key)->version, 0});
    }
    return {};
  }

 private:
  // `hash`: what is compared with the stored content hash, and stored.
  core::Status add_hashed(Record&& record, std::int64_t hash) {
    const std::string& key = record_key(record);
    if (key.empty()) return core::Error{core::ErrorKind::parse, "a record without an id"};
    ++m_fetched;
    if (auto* entry = m_index.find(key)) {
      if (entry->seen) return duplicate(key);
      entry->seen = true;
      if (!entry->removed && entry->content_hash == hash) {
        ++m_unchanged;
        return {};
      }
    } else if (m_index.insert_added(key) == nullptr) {
      return duplicate(key);
    }
    m_spool.push(std::move(record), hash);
    return {};
  }

  static core::Error duplicate(const std::string& key) {
    return {core::ErrorKind::incomplete, fmt::format("id {} appears twice in the listing", key)};
  }
  static core::Error missing(const std::string& key) {
    return {core::ErrorKind::internal, fmt::format("stored record {} vanished while planning", key)};
  }

  store::RecordIndex m_index;
  RecordSpool<Record> m_spool;
  Hash m_hash;
  CarryOver m_carry_over;
  model::FieldPolicy m_policy;
  std::int64_t m_fetched = 0;
  std::int64_t m_unchanged = 0;
};

}  // namespace rosterd::sync

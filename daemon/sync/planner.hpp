#pragma once
// The sink a source streams its listing into. Each record is hashed and compared
// with the stored hash: an unchanged record costs a lookup and nothing else; a
// changed or new one is kept for the plan. A duplicate id fails the run (SPEC 3).

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "model/canonical.hpp"
#include "sources/source.hpp"
#include "store/records.hpp"
#include "sync/plan.hpp"

namespace rosterd::sync {

inline const std::string& record_key(const model::User& user) { return user.external_id; }
inline const std::string& record_key(const model::NamedEntity& entity) { return entity.key; }

template <class Record>
class Planner final : public sources::Sink<Record> {
 public:
  // Reads the stored state of one record (for diffs); nullopt if it is gone,
  // which the planner reports as an internal error.
  using Loader = std::function<std::optional<Record>(const std::string& key)>;
  // The hash compared with the stored one: the part of the record this listing owns.
  using Hash = std::function<std::int64_t(const Record&)>;
  // Copies what this listing does not own from the stored record into a changed
  // one before it is diffed and written (CrocoDial's getUserInfo part).
  using CarryOver = std::function<void(const Record& stored, Record& incoming)>;

  explicit Planner(store::RecordIndex index, Hash hash = {}, CarryOver carry_over = {})
      : m_hash(std::move(hash)), m_carry_over(std::move(carry_over)) {
    if (!m_hash) m_hash = [](const Record& record) { return model::content_hash(record); };
    m_index.reserve(index.size());
    for (auto& [key, entry] : index) m_index.emplace(key, Slot{entry, false});
  }

  void restart() override {
    for (auto& [key, slot] : m_index) slot.seen = false;
    m_new_keys.clear();
    m_pending.clear();
    m_fetched = 0;
    m_unchanged = 0;
  }

  core::Status add(Record&& record) override {
    const std::string& key = record_key(record);
    if (key.empty()) return core::Error{core::ErrorKind::parse, "a record without an id"};
    ++m_fetched;
    if (auto it = m_index.find(key); it != m_index.end()) {
      if (it->second.seen) return duplicate(key);
      it->second.seen = true;
      if (!it->second.entry.removed && it->second.entry.content_hash == m_hash(record)) {
        ++m_unchanged;
        return {};
      }
    } else if (!m_new_keys.insert(key).second) {
      return duplicate(key);
    }
    m_pending.push_back(std::move(record));
    return {};
  }

  [[nodiscard]] std::int64_t fetched() const { return m_fetched; }

  // Resolves the kept records against the stored state and adds removals.
  core::Result<Plan<Record>> finish(const Loader& load) {
    Plan<Record> plan;
    plan.fetched = m_fetched;
    plan.unchanged = m_unchanged;
    for (const auto& [key, slot] : m_index) plan.listed_before += slot.entry.removed ? 0 : 1;

    for (auto& record : m_pending) {
      const auto it = m_index.find(record_key(record));
      if (it == m_index.end()) {
        plan.changes.push_back({ChangeKind::added, std::move(record), {}, 0});
        continue;
      }
      auto before = load(it->first);
      if (!before) return missing(it->first);
      if (m_carry_over) m_carry_over(*before, record);
      auto fields = model::diff(*before, record);
      if (it->second.entry.removed) {
        plan.changes.push_back({ChangeKind::restored, std::move(record), std::move(fields), it->second.entry.version});
      } else if (fields.empty()) {
        ++plan.unchanged;  // same content, stale hash
        plan.rehash.push_back(std::move(record));
      } else {
        plan.changes.push_back({ChangeKind::updated, std::move(record), std::move(fields), it->second.entry.version});
      }
    }
    m_pending.clear();

    std::vector<const std::string*> gone;
    for (const auto& [key, slot] : m_index) {
      if (!slot.seen && !slot.entry.removed) gone.push_back(&key);
    }
    std::sort(gone.begin(), gone.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const auto* key : gone) {
      auto last = load(*key);
      if (!last) return missing(*key);
      plan.changes.push_back({ChangeKind::removed, std::move(*last), {}, m_index.at(*key).entry.version});
    }
    return plan;
  }

 private:
  struct Slot {
    store::IndexEntry entry;
    bool seen = false;
  };

  static core::Error duplicate(const std::string& key) {
    return {core::ErrorKind::incomplete, fmt::format("id {} appears twice in the listing", key)};
  }
  static core::Error missing(const std::string& key) {
    return {core::ErrorKind::internal, fmt::format("stored record {} vanished while planning", key)};
  }

  Hash m_hash;
  CarryOver m_carry_over;
  std::unordered_map<std::string, Slot> m_index;
  std::unordered_set<std::string> m_new_keys;
  std::vector<Record> m_pending;
  std::int64_t m_fetched = 0;
  std::int64_t m_unchanged = 0;
};

}  // namespace rosterd::sync

#include "store/record_index.hpp"

#include <stdexcept>

#include "core/hash.hpp"

namespace rosterd::store {
namespace {

constexpr std::size_t k_min_table = 64;

std::size_t table_size_for(std::size_t records) {
  std::size_t size = k_min_table;
  while (size < records * 2) size *= 2;  // load factor at most 1/2
  return size;
}

}  // namespace

void RecordIndex::reserve(std::size_t records) {
  m_items.reserve(records);
  if (m_table.size() < table_size_for(records)) rebuild_table(table_size_for(records));
}

void RecordIndex::rebuild_table(std::size_t capacity) {
  m_table.assign(capacity, 0);
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < m_items.size(); ++i) {
    std::size_t slot = static_cast<std::size_t>(m_items[i].hash) & mask;
    while (m_table[slot] != 0) slot = (slot + 1) & mask;
    m_table[slot] = static_cast<std::uint32_t>(i + 1);
  }
}

// The slot holding `key`, or the empty slot where it would go.
std::size_t RecordIndex::slot_of(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = m_table.size() - 1;
  std::size_t slot = static_cast<std::size_t>(hash) & mask;
  while (m_table[slot] != 0) {
    const auto& item = m_items[m_table[slot] - 1];
    if (item.hash == hash && key_of(item) == key) return slot;
    slot = (slot + 1) & mask;
  }
  return slot;
}

RecordIndex::Entry* RecordIndex::append(std::string_view key, std::uint64_t hash, const Entry& entry,
                                        std::size_t slot) {
  if (m_keys.size() + key.size() > UINT32_MAX || m_items.size() >= UINT32_MAX - 1) {
    throw std::length_error("record index: too many records");
  }
  m_items.push_back({hash, static_cast<std::uint32_t>(m_keys.size()), static_cast<std::uint32_t>(key.size()), entry});
  m_keys.append(key);
  m_table[slot] = static_cast<std::uint32_t>(m_items.size());
  if (m_items.size() * 2 > m_table.size()) rebuild_table(m_table.size() * 2);
  return &m_items.back().entry;
}

RecordIndex::Entry* RecordIndex::insert(std::string_view key, const Entry& entry) {
  if (m_table.empty()) rebuild_table(k_min_table);
  const auto hash = core::content_hash64(key);
  const auto slot = slot_of(key, hash);
  if (m_table[slot] != 0) return nullptr;
  auto* inserted = append(key, hash, entry, slot);
  m_stored = m_items.size();
  m_stored_key_bytes = m_keys.size();
  return inserted;
}

RecordIndex::Entry* RecordIndex::insert_added(std::string_view key) {
  if (m_table.empty()) rebuild_table(k_min_table);
  const auto hash = core::content_hash64(key);
  const auto slot = slot_of(key, hash);
  if (m_table[slot] != 0) return nullptr;
  Entry entry;
  entry.seen = true;
  entry.added = true;
  return append(key, hash, entry, slot);
}

RecordIndex::Entry* RecordIndex::find(std::string_view key) {
  if (m_table.empty()) return nullptr;
  const auto slot = slot_of(key, core::content_hash64(key));
  return m_table[slot] == 0 ? nullptr : &m_items[m_table[slot] - 1].entry;
}

const RecordIndex::Entry* RecordIndex::find(std::string_view key) const {
  return const_cast<RecordIndex*>(this)->find(key);
}

void RecordIndex::restart() {
  m_items.resize(m_stored);
  m_keys.resize(m_stored_key_bytes);
  for (auto& item : m_items) item.entry.seen = false;
  rebuild_table(m_table.empty() ? k_min_table : m_table.size());
}

}  // namespace rosterd::store

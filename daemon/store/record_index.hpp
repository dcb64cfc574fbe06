#pragma once
// What a run needs to know of every record a source has ever listed, to decide
// without reading the record whether a listed one changed, and which records the
// listing no longer has. Sized for large tenants: keys live in one arena and the
// table is open addressing over 32-bit slots: a 32-byte item, 8 to 16 bytes of table
// and the key, under 60 bytes per record in all (a std::unordered_map<std::string, ...>
// took ~90).
//
// The index also takes the keys a listing adds, so that a duplicate id is caught
// whether or not it was known before.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::store {

class RecordIndex {
 public:
  struct Entry {
    std::int64_t content_hash = 0;
    std::int32_t version = 0;  // users only (load_user_index refuses one beyond 2^31)
    bool removed = false;      // stored with removed_at set
    bool seen = false;         // listed by the current run
    bool added = false;        // not stored: first listed by the current run
  };

  RecordIndex() = default;

  // A stored record (while loading). Returns nullptr if the key is already present.
  Entry* insert(std::string_view key, const Entry& entry);
  // A key the current listing brings that was not stored: seen and added.
  // Returns nullptr if the listing brought it already.
  Entry* insert_added(std::string_view key);
  [[nodiscard]] Entry* find(std::string_view key);
  [[nodiscard]] const Entry* find(std::string_view key) const;

  // Forgets the current listing: seen flags cleared, added keys dropped.
  void restart();

  [[nodiscard]] std::size_t size() const { return m_items.size(); }
  [[nodiscard]] std::size_t stored_size() const { return m_stored; }
  void reserve(std::size_t records);

  // f(std::string_view key, const Entry& entry) for every record, in insertion order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& item : m_items) f(key_of(item), item.entry);
  }

 private:
  struct Item {
    std::uint64_t hash;
    std::uint32_t key_offset;
    std::uint32_t key_length;
    Entry entry;
  };
  static_assert(sizeof(Item) == 32, "an item per record: keep it small");

  [[nodiscard]] std::string_view key_of(const Item& item) const {
    return std::string_view(m_keys).substr(item.key_offset, item.key_length);
  }
  [[nodiscard]] std::size_t slot_of(std::string_view key, std::uint64_t hash) const;
  Entry* append(std::string_view key, std::uint64_t hash, const Entry& entry, std::size_t slot);
  void rebuild_table(std::size_t capacity);

  std::string m_keys;                  // every key, back to back
  std::vector<Item> m_items;           // stored records first, then this listing's new ones
  std::vector<std::uint32_t> m_table;  // item index + 1; 0 = empty; size a power of two
  std::size_t m_stored = 0;            // items that are stored records
  std::size_t m_stored_key_bytes = 0;
};

}  // namespace rosterd::store

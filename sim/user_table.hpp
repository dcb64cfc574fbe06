#pragma once
// A tenant's users, compact enough for a million: a generated user is stored as its id
// and its index in the seed's stream (24 bytes) and regenerated when needed; only
// users added with explicit content or edited keep a full SimUser.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

struct UserEntry {
  std::int64_t id = 0;
  std::uint32_t index = 0;  // position in the seed's user stream (generated users)
  bool removed = false;
  bool active = true;               // mirrors the user's flag, so filters need not generate
  std::unique_ptr<SimUser> custom;  // null: the user is generate_user(index, id)
};

class UserTable {
 public:
  UserTable(const VendorModule& vendor, const TenantOptions& options);

  void populate(int count);  // appends `count` generated users

  // Positions (see entry()) of the listed users, ascending by id. Valid until the next mutation.
  [[nodiscard]] const std::vector<std::uint32_t>& listed();
  [[nodiscard]] const UserEntry& entry(std::uint32_t position) const { return m_entries[position]; }
  [[nodiscard]] std::size_t size() const { return m_entries.size(); }
  [[nodiscard]] SimUser materialize(const UserEntry& entry) const;

  [[nodiscard]] const UserEntry* find(std::int64_t id) const;
  SimUser add_generated();
  SimUser add(SimUser user);  // id 0 = next free id; std::invalid_argument when taken
  void update(std::int64_t id, const std::function<void(SimUser&)>& edit);
  void set_removed(std::int64_t id, bool removed);

 private:
  UserEntry& find_or_throw(std::int64_t id);
  std::int64_t take_next_id();

  const VendorModule& m_vendor;
  const TenantOptions& m_options;
  std::vector<UserEntry> m_entries;  // ascending id
  std::vector<std::uint32_t> m_listed;
  bool m_listed_dirty = true;
  std::uint32_t m_next_index = 0;
  std::int64_t m_last_id = 0;  // the last generated id: the stream continues from it
};

}  // namespace rosterd::sim::detail

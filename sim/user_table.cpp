#include "sim/user_table.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/generator.hpp"

namespace rosterd::sim::detail {
namespace {

template <class Entries>  // const or mutable
auto by_id(Entries& entries, std::int64_t id) {
  return std::lower_bound(entries.begin(), entries.end(), id,
                          [](const UserEntry& entry, std::int64_t wanted) { return entry.id < wanted; });
}

}  // namespace

UserTable::UserTable(const VendorModule& vendor, const TenantOptions& options) : m_vendor(vendor), m_options(options) {}

void UserTable::populate(int count) {
  m_entries.reserve(m_entries.size() + static_cast<std::size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) add_generated();
}

const std::vector<std::uint32_t>& UserTable::listed() {
  if (m_listed_dirty) {
    m_listed.clear();
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
      if (!m_entries[i].removed) m_listed.push_back(static_cast<std::uint32_t>(i));
    }
    m_listed_dirty = false;
  }
  return m_listed;
}

SimUser UserTable::materialize(const UserEntry& entry) const {
  if (entry.custom) return *entry.custom;
  return generate_user(m_vendor, m_options, entry.index, entry.id);
}

const UserEntry* UserTable::find(std::int64_t id) const {
  const auto it = by_id(m_entries, id);
  return it != m_entries.end() && it->id == id ? &*it : nullptr;
}

std::int64_t UserTable::take_next_id() {
  std::int64_t id = m_last_id == 0 ? first_user_id(m_vendor, m_options.seed) : next_user_id(m_last_id, m_options.seed);
  if (!m_entries.empty()) id = std::max(id, m_entries.back().id + 1);
  m_last_id = id;
  return id;
}

SimUser UserTable::add_generated() {
  UserEntry entry;
  entry.id = take_next_id();
  entry.index = m_next_index++;
  entry.active = generated_active(m_vendor, m_options, entry.index);
  m_entries.push_back(std::move(entry));  // the largest id so far: stays sorted
  m_listed_dirty = true;
  return materialize(m_entries.back());
}

SimUser UserTable::add(SimUser user) {
  if (user.id == 0) user.id = take_next_id();
  if (user.id < 0) throw std::invalid_argument("user id must be positive");
  const auto it = by_id(m_entries, user.id);
  if (it != m_entries.end() && it->id == user.id) {
    throw std::invalid_argument("user id " + std::to_string(user.id) + " exists");
  }
  UserEntry entry;
  entry.id = user.id;
  entry.active = user.active;
  entry.custom = std::make_unique<SimUser>(user);
  m_entries.insert(it, std::move(entry));
  m_listed_dirty = true;
  return user;
}

void UserTable::update(std::int64_t id, const std::function<void(SimUser&)>& edit) {
  UserEntry& entry = find_or_throw(id);
  SimUser user = materialize(entry);
  edit(user);
  if (user.id != id) throw std::invalid_argument("an edit cannot change the user id");
  entry.active = user.active;
  entry.custom = std::make_unique<SimUser>(std::move(user));
}

void UserTable::set_removed(std::int64_t id, bool removed) {
  find_or_throw(id).removed = removed;
  m_listed_dirty = true;
}

UserEntry& UserTable::find_or_throw(std::int64_t id) {
  const auto it = by_id(m_entries, id);
  if (it == m_entries.end() || it->id != id) throw std::out_of_range("no user with id " + std::to_string(id));
  return *it;
}

}  // namespace rosterd::sim::detail

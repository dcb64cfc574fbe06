#include "model/user_parts.hpp"

#include <bit>

#include "core/hash.hpp"
#include "core/json_writer.hpp"
#include "model/canonical.hpp"

namespace rosterd::model {
namespace {

bool is_info_key(const std::string& key) { return std::string_view(key).starts_with(k_user_info_prefix); }

// True when the record has no info part: the common case (every vendor's listing,
// and any record getUserInfo never enriched).
bool listing_owns_all(const User& user, const InfoColumns& columns) {
  const auto info_key = user.attributes.lower_bound(k_user_info_prefix);
  const bool has_info_attributes = info_key != user.attributes.end() && is_info_key(info_key->first);
  const bool has_info_columns = (columns.email && user.email) || (columns.user_group && user.user_group) ||
                                (columns.phone && user.phone);
  return !has_info_attributes && !has_info_columns;
}

}  // namespace

User listing_view(const User& user, const InfoColumns& columns) {
  User out = user;
  if (columns.email) out.email.reset();
  if (columns.user_group) out.user_group.reset();
  if (columns.phone) out.phone.reset();
  std::erase_if(out.attributes, [](const auto& entry) { return is_info_key(entry.first); });
  return out;
}

UserInfo info_view(const User& user, const InfoColumns& columns) {
  UserInfo info;
  if (columns.email) info.email = user.email;
  if (columns.user_group) info.user_group = user.user_group;
  if (columns.phone) info.phone = user.phone;
  for (const auto& [key, value] : user.attributes) {
    if (is_info_key(key)) info.attributes.emplace(key, value);
  }
  return info;
}

void merge_info(User& user, const UserInfo& info, const InfoColumns& columns) {
  if (columns.email) user.email = info.email;
  if (columns.user_group) user.user_group = info.user_group;
  if (columns.phone) user.phone = info.phone;
  std::erase_if(user.attributes, [](const auto& entry) { return is_info_key(entry.first); });
  for (const auto& [key, value] : info.attributes) user.attributes.insert_or_assign(key, value);
}

std::int64_t listing_hash(const User& user, const InfoColumns& columns) {
  // Without an info part the record is hashed as it is, without a copy.
  if (listing_owns_all(user, columns)) return content_hash(user);
  return content_hash(listing_view(user, columns));
}

std::int64_t listing_hash(const User& user, const InfoColumns& columns, std::string_view snapshot_json) {
  if (listing_owns_all(user, columns)) return snapshot_hash(snapshot_json);
  return content_hash(listing_view(user, columns));
}

std::int64_t info_hash(const UserInfo& info) {
  core::JsonWriter out;
  out.begin_object().key("email").value(info.email).key("user_group").value(info.user_group);
  out.key("phone").value(info.phone).key("attributes").raw(attributes_json(info.attributes)).end_object();
  return std::bit_cast<std::int64_t>(core::content_hash64(out.str()));
}

}  // namespace rosterd::model

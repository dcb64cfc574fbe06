#pragma once
// Two datasets write a CrocoDial user: the users listing (goGetAllUsers) and
// user_stats (getUserInfo), which supplies email, user_group, phone and the
// attributes prefixed "user_info.". Each run owns its part of the record and
// carries the other part over unchanged, and each part has its own hash
// (users.content_hash for the listing's, users.info_hash for getUserInfo's), so
// that neither run sees the other's fields as a change.
//
// For a vendor without user_stats the info part is empty: the listing owns the
// whole record and the listing hash is the record's hash.

#include <cstdint>
#include <string_view>

#include "model/agent.hpp"
#include "model/user.hpp"

namespace rosterd::model {

// Which normalized columns getUserInfo supplies for a source (none for vendors
// without it). Attributes under k_user_info_prefix always belong to the info part.
struct InfoColumns {
  bool email = false;
  bool user_group = false;
  bool phone = false;

  static InfoColumns none() { return {}; }
  static InfoColumns all() { return {true, true, true}; }
};

// The record without its info part.
User listing_view(const User& user, const InfoColumns& columns);
// The info part of a record.
UserInfo info_view(const User& user, const InfoColumns& columns);
// Replaces the info part of `user` with `info`.
void merge_info(User& user, const UserInfo& info, const InfoColumns& columns);

std::int64_t listing_hash(const User& user, const InfoColumns& columns);
// The same, given the record's whole snapshot (snapshot_json): when the listing
// owns the whole record, the hash of that snapshot, with no second rendering.
std::int64_t listing_hash(const User& user, const InfoColumns& columns, std::string_view snapshot_json);
std::int64_t info_hash(const UserInfo& info);

}  // namespace rosterd::model

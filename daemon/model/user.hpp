#pragma once
// The normalized shapes every vendor's records are mapped to (README, "Vendors").

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rosterd::model {

// Vendor fields without a normalized column: key -> the value as canonical JSON
// text (objects with sorted keys, secrets removed). Sorted by key, so that two
// listings of the same record compare and hash equal.
using Attributes = std::map<std::string, std::string, std::less<>>;

struct User {
  std::string external_id;
  std::optional<std::string> username;
  std::optional<std::string> full_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> extension;
  std::optional<std::string> role;
  std::optional<std::string> user_group;
  std::optional<bool> active;  // nullopt: the vendor does not say
  Attributes attributes;
  // Sorted, unique portfolio codes (CrocoDial allowed_companys); nullopt for
  // vendors without portfolios.
  std::optional<std::vector<std::string>> portfolios;

  bool operator==(const User&) const = default;
};

// Portfolios, profiles and campaigns: a key, a display name and the rest.
struct NamedEntity {
  std::string key;
  std::optional<std::string> name;
  Attributes attributes;

  bool operator==(const NamedEntity&) const = default;
};

// The text columns of User, in schema order, for code that treats them alike
// (diffing, storing, printing).
struct UserTextField {
  const char* name;
  std::optional<std::string> User::*member;
};
inline constexpr UserTextField k_user_text_fields[] = {
    {"username", &User::username},   {"full_name", &User::full_name}, {"email", &User::email},
    {"phone", &User::phone},         {"extension", &User::extension}, {"role", &User::role},
    {"user_group", &User::user_group},
};

}  // namespace rosterd::model

#pragma once
// A user's columns rendered once for every statement of one write, whatever the
// engine: the JSON columns (attributes, portfolios) as canonical text, and the split
// that volatile attributes make: history stores the user without them, user_state
// keeps them apart (live_attributes), and `users` shows the two spliced.

#include <optional>
#include <string>

#include "model/field_policy.hpp"
#include "model/user.hpp"

namespace rosterd::store {

// Refers to `user`, which must outlive it.
struct UserColumns {
  explicit UserColumns(const model::User& user);
  // The user's snapshot JSON (model::snapshot_json), from the columns rendered here.
  [[nodiscard]] std::string snapshot() const;

  const model::User& user;
  std::string attributes;                 // attributes as canonical JSON
  std::optional<std::string> portfolios;  // JSON array, or NULL
};

class RenderedUser {
 public:
  RenderedUser(const model::User& user, const model::FieldPolicy& policy);
  RenderedUser(const RenderedUser&) = delete;
  RenderedUser& operator=(const RenderedUser&) = delete;

  // What a version stores: the user without its volatile attributes.
  [[nodiscard]] const UserColumns& history() const { return m_history ? *m_history : current; }
  [[nodiscard]] bool history_is_current() const { return !m_history; }

  UserColumns current;
  std::optional<std::string> live_attributes;  // NULL when the user has no volatile attribute

 private:
  std::optional<model::User> m_stripped;  // before m_history, which refers to it
  std::optional<UserColumns> m_history;
};

}  // namespace rosterd::store

#include "store/rendered_user.hpp"

#include "model/canonical.hpp"

namespace rosterd::store {

UserColumns::UserColumns(const model::User& u) : user(u), attributes(model::attributes_json(u.attributes)) {
  if (u.portfolios) portfolios = model::portfolios_json(*u.portfolios);
}

std::string UserColumns::snapshot() const { return model::snapshot_json(user, attributes, portfolios); }

RenderedUser::RenderedUser(const model::User& user, const model::FieldPolicy& policy) : current(user) {
  if (!model::has_volatile_attributes(user, policy)) return;
  m_stripped.emplace(model::without_volatile(user, policy));
  m_history.emplace(*m_stripped);
  model::Attributes live;
  for (const auto& [key, value] : user.attributes) {
    if (policy.is_volatile(key)) live.emplace(key, value);
  }
  live_attributes = model::attributes_json(live);
}

}  // namespace rosterd::store

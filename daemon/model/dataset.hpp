#pragma once
// Datasets are named. The built-in ones are the constants below; which datasets a
// source type has is its row in sources/registry.hpp, and how a dataset runs is its
// row in sync/datasets/table.hpp. A dataset added elsewhere (a test's, say) is just
// another name.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace rosterd::model {

enum class Entity { user, portfolio, profile, campaign };

class Dataset {
 public:
  explicit Dataset(std::string name) : m_name(std::move(name)) {}

  [[nodiscard]] const std::string& name() const noexcept { return m_name; }
  auto operator<=>(const Dataset&) const = default;

  static const Dataset users;
  static const Dataset portfolios;
  static const Dataset profiles;
  static const Dataset campaigns;
  static const Dataset user_stats;
  static const Dataset agent_status;

 private:
  std::string m_name;
};

inline const Dataset Dataset::users{"users"};
inline const Dataset Dataset::portfolios{"portfolios"};
inline const Dataset Dataset::profiles{"profiles"};
inline const Dataset Dataset::campaigns{"campaigns"};
inline const Dataset Dataset::user_stats{"user_stats"};
inline const Dataset Dataset::agent_status{"agent_status"};

std::string_view to_string(Entity entity) noexcept;
inline std::string_view to_string(const Dataset& dataset) noexcept {
  return dataset.name();
}
// A dataset name: lower-case letters, digits and '_', starting with a letter.
std::optional<Dataset> parse_dataset(std::string_view name);

// The entity a listing of named records produces; nullopt for other datasets.
std::optional<Entity> entity_of(const Dataset& dataset) noexcept;

}  // namespace rosterd::model

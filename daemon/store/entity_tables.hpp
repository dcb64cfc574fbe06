#pragma once
// The table and key column of each named entity (portfolios, profiles, campaigns), the
// same in every engine, for the statements each engine builds.

#include "model/dataset.hpp"
#include "store/store_error.hpp"

namespace rosterd::store {

struct EntityTable {
  const char* table;
  const char* key_column;
};

inline EntityTable table_for(model::Entity entity) {
  switch (entity) {
    case model::Entity::portfolio:
      return {"portfolios", "code"};
    case model::Entity::profile:
      return {"profiles", "profile_id"};
    case model::Entity::campaign:
      return {"campaigns", "campaign_id"};
    case model::Entity::user:
      break;
  }
  throw StoreError("users are not a named-entity table");
}

}  // namespace rosterd::store

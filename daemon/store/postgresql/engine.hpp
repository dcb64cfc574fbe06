#pragma once
// The PostgreSQL engine's row in the table of store engines (store/engine.hpp).

#include "store/engine.hpp"

namespace rosterd::store::postgresql {

const Engine& engine();

}  // namespace rosterd::store::postgresql

#pragma once
// The SQLite row of the engine table (store/engine.hpp).

#include "store/engine.hpp"

namespace rosterd::store::sqlite {

const Engine& engine();

}  // namespace rosterd::store::sqlite

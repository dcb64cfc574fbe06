#pragma once
// The SQLite side of `rosterd migrate` (store/copy.hpp): every row of the copied tables,
// read in one read transaction (a snapshot, while a daemon may be writing).

#include <span>
#include <string>

#include "store/copy.hpp"

namespace rosterd::store::sqlite {

// Throws StoreError, also for a database that is not at the latest schema.
void copy_out(const std::string& path, std::span<const CopiedTable> tables, RowSink& sink);

}  // namespace rosterd::store::sqlite

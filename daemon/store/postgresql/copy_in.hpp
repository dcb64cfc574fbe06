#pragma once
// The PostgreSQL side of `rosterd migrate` (store/copy.hpp): rows written with COPY into
// an empty database, in one transaction.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/copy.hpp"

namespace rosterd::store::postgresql {

class CopyTarget : public RowSink {
 public:
  // Checks each table's count, sets the id sequences past the copied ids and commits.
  virtual std::vector<CopiedCount> commit() = 0;
};

// Connects to `location`, creates the schema, refuses a database that holds rosterd data
// already, and opens the copy's transaction. Throws StoreError.
std::unique_ptr<CopyTarget> open_copy_target(const std::string& location,
                                             const std::function<void(const CopiedCount&)>& progress);

}  // namespace rosterd::store::postgresql

#pragma once
// How database failures cross the store seam: as StoreError, whatever the engine.

#include <exception>
#include <stdexcept>
#include <string>

namespace rosterd::store {

// A failure of the database itself (cannot open, damaged, full, locked, schema too
// new). Its message is complete: it names the database and what to do.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// For a `catch (const std::exception&)` around work with a database, as the runner
// has: a StoreError as it is (it is complete), anything else as "<database>: <what>".
std::string describe_failure(const std::exception& error, const std::string& database);

}  // namespace rosterd::store

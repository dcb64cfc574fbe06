#include "store/store_error.hpp"

namespace rosterd::store {

std::string describe_failure(const std::exception& error, const std::string& database) {
  if (dynamic_cast<const StoreError*>(&error) != nullptr) return error.what();
  return database + ": " + error.what();
}

}  // namespace rosterd::store

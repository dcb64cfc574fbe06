#pragma once
// One connection to a rosterd database in PostgreSQL, its schema brought up to date
// (read_write) or checked (read_only), and how its failures cross the store seam: a
// PgError becomes a StoreError that names the database (never its password) and says
// what to do.

#include <string>
#include <utility>

#include "model/json_codec.hpp"
#include "store/database.hpp"
#include "store/postgresql/pq.hpp"
#include "store/store_error.hpp"

namespace rosterd::store::postgresql {

// The message of a StoreError for `error` on the database `display`.
std::string describe_error(const PgError& error, const std::string& display);

// Runs `work`, a PgError (or a stored value that cannot be read) turned into a StoreError.
template <class Work>
decltype(auto) translate_errors(const std::string& display, Work&& work) {
  try {
    return std::forward<Work>(work)();
  } catch (const PgError& e) {
    throw StoreError(describe_error(e, display));
  } catch (const model::JsonCodecError& e) {
    throw StoreError(display + ": a stored value could not be read: " + e.what());
  }
}

// Connects to `location` (a postgresql:// URI). read_write applies the migrations
// missing (several instances starting at once apply them once: a transaction-scoped
// advisory lock orders them); read_only requires the latest schema. Throws StoreError.
Connection connect(const std::string& location, OpenMode mode, const BeforeMigrating& before = {});

// Connects to `location` without looking at its schema. Throws StoreError.
Connection connect_unchecked(const std::string& location);

// The schema version of the database (0: none yet). Throws PgError.
int schema_version(Connection& connection);

}  // namespace rosterd::store::postgresql

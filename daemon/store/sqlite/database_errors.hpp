#pragma once
// What a database failure means for the operator. Every message names the file,
// says what is wrong in plain words (SQLite's own text in parentheses) and what to
// do: check and restore a damaged file, free space, fix permissions, end another
// program's transaction.

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <SQLiteCpp/Exception.h>

#include "model/json_codec.hpp"
#include "store/sqlite/path_diagnosis.hpp"
#include "store/store_error.hpp"


namespace rosterd::store::sqlite {

// One line for SQLite's extended result code `code` (with its message) on the
// database at `path`. `access`: what the connection was for, to find out why a
// file could not be opened or written.
std::string describe_database_error(int code, std::string_view sqlite_message, const std::string& path,
                                    Access access = Access::write);
std::string describe_database_error(const SQLite::Exception& error, const std::string& path,
                                    Access access = Access::write);

// For a `catch (const std::exception&)` around database work, as the runner has: a
// SQLite::Exception described as above, a StoreError as it is (it is complete),
// anything else as "<path>: <what>".
std::string describe_database_failure(const std::exception& error, const std::string& path,
                                      Access access = Access::write);

// Runs `work` and returns what it returns, a SQLite::Exception turned into a
// StoreError that describes it, as is a stored value that cannot be read: how
// SQLite's errors cross the store seam.
template <class Work>
decltype(auto) translate_errors(const std::string& path, Access access, Work&& work) {
  try {
    return std::forward<Work>(work)();
  } catch (const SQLite::Exception& e) {
    throw StoreError(describe_database_error(e, path, access));
  } catch (const model::JsonCodecError& e) {
    throw StoreError(path + ": a stored value could not be read: " + e.what());
  }
}

// "<path>: cannot open the database: <reason>; <advice>".
std::string open_failure(const std::string& path, const PathProblem& problem);

}  // namespace rosterd::store::sqlite

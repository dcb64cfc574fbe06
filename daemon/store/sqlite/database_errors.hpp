#pragma once
// What a database failure means for the operator. Every message names the file,
// says what is wrong in plain words (SQLite's own text in parentheses) and what to
// do: check and restore a damaged file, free space, fix permissions, end another
// program's transaction.

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store/path_diagnosis.hpp"

namespace SQLite {
class Exception;
}

namespace rosterd::store {

// A failure of the database itself (cannot open, damaged, full, locked, schema too
// new). Its message is complete: it names the file and what to do.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

// "<path>: cannot open the database: <reason>; <advice>".
std::string open_failure(const std::string& path, const PathProblem& problem);

}  // namespace rosterd::store

#pragma once
// A compact binary form of normalized records, for spooling a large listing's
// changed records to disk between fetching and writing. Only this process reads
// it back, so it has no version: length-prefixed strings, flags as bytes.

#include <stdexcept>
#include <string>
#include <string_view>

#include "model/user.hpp"

namespace rosterd::sync {

class CodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void encode(std::string& out, const model::User& user);
void encode(std::string& out, const model::NamedEntity& entity);

// Read one record from the front of `in` and advance past it. Throw CodecError
// on malformed input (a spool file damaged underneath us).
void decode(std::string_view& in, model::User& user);
void decode(std::string_view& in, model::NamedEntity& entity);

}  // namespace rosterd::sync

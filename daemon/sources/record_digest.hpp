#pragma once
// A digest of one record as the vendor listed it, so that a listing can tell an
// unchanged record from the stored one without normalizing it (README, "Sync
// semantics"; a no-change resync is mostly this). It hashes the record's JSON as
// parsed: every key and value in document order, with their types. Two records with
// the same digest normalize alike as long as the rest of what normalizing depends on
// is the same too, which the seed names: the vendor's reader and its version, and the
// source's drop_fields. Anything else (a vendor that reorders keys, say) gives a new
// digest, and the record is compared in full, without a false change.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "sources/json_record.hpp"
#include "sources/source.hpp"

namespace rosterd::sources {

// The id of a listed record (`field` of an object, as id_text reads it), or nullopt
// when it has none that reads: normalizing the record then says what is wrong.
std::optional<std::string> listed_id(simdjson::dom::element record, std::string_view field);

class RecordDigest {
 public:
  // `reader`: the vendor's record reader and its version, e.g. "smartflo/users/1".
  RecordDigest(std::string_view reader, const FieldFilter& filter);

  // nullopt for a record it cannot digest (such records are normalized every time).
  [[nodiscard]] std::optional<std::int64_t> of(simdjson::dom::element record);

 private:
  bool append(simdjson::dom::element value);
  void append_text(char tag, std::string_view text);

  std::string m_seed;
  std::string m_buffer;  // reused: no allocation per record once warm
};

// What a page parser asks before normalizing a listed record: its digest, and whether
// the sink holds the record unchanged (then the parser skips it: not normalized, not
// added). Records it does not skip are added with their digest.
class ListingGate {
 public:
  ListingGate(UserSink& sink, std::string_view reader, const FieldFilter& filter)
      : m_sink(sink), m_digest(reader, filter) {}

  // Whether `record`, whose id is `key`, is stored unchanged; an error from the sink
  // (an id listed twice) fails the listing. Remembers the digest for add().
  core::Result<bool> unchanged(std::string_view key, simdjson::dom::element record);
  // The digest unchanged() computed last (nullopt when it had none, or after forget()).
  [[nodiscard]] std::optional<std::int64_t> last_digest() const { return m_last; }
  void forget() { m_last.reset(); }

 private:
  UserSink& m_sink;
  RecordDigest m_digest;
  std::optional<std::int64_t> m_last;
};

}  // namespace rosterd::sources

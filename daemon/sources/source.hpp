#pragma once
// A Source is one configured tenant of one vendor. It knows the vendor's auth and
// paging, and streams the complete listing of a dataset into a sink; it never
// touches the database. Sources are long-lived (the daemon keeps them across
// runs), so a login token can be cached for its lifetime.
//
// The contract that keeps removals safe (README, "Sync semantics"): a fetch returns ok only after
// the *whole* listing was read and validated. Any doubt (an HTTP error, a body
// that does not parse, a page that does not advance, a total that does not
// match) is an Error, and the run writes nothing.

#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/http_client.hpp"
#include "model/agent.hpp"
#include "model/dataset.hpp"
#include "model/user.hpp"

namespace rosterd::sources {

// Receives one listing's records as they are parsed.
template <class Record>
class Sink {
 public:
  virtual ~Sink() = default;
  // The source starts the listing over (Class4 retries a drifted listing once):
  // forget everything added so far.
  virtual void restart() = 0;
  // An error (a duplicate id, say) aborts the fetch; the source returns it.
  virtual core::Status add(Record&& record) = 0;
  // The same, with the digest of the vendor's bytes the record was read from
  // (sources/record_digest.hpp), which the sink compares and stores instead of a hash
  // of the normalized record.
  virtual core::Status add(Record&& record, std::int64_t digest) {
    static_cast<void>(digest);
    return add(std::move(record));
  }
  // Asked before a record is normalized: whether the stored record `key` was listed
  // as exactly these bytes (`digest`) and is current. If so the sink counts it as
  // listed and unchanged and the source skips the record; a key listed twice is an
  // error, as in add(). A sink that keeps no digests answers false.
  virtual core::Result<bool> unchanged(std::string_view key, std::int64_t digest) {
    static_cast<void>(key);
    static_cast<void>(digest);
    return false;
  }
};
using UserSink = Sink<model::User>;
using EntitySink = Sink<model::NamedEntity>;

// A user a per-user dataset asks the vendor about (from the stored listing).
struct UserRef {
  std::string external_id;
  std::string username;
};

// Receives per-user results. Called from several threads at once: implementations
// synchronize.
template <class Result>
class PerUserSink {
 public:
  virtual ~PerUserSink() = default;
  virtual void result(const UserRef& user, Result&& value) = 0;
  // This user's call failed; the others go on (the run ends 'partial').
  virtual void failure(const UserRef& user, const core::Error& error) = 0;
};

// What one run gives a source to work with.
struct RunContext {
  http::Client& http;  // retrying and counting; never logs secrets
  std::stop_token stop;
};

class Source {
 public:
  virtual ~Source() = default;

  [[nodiscard]] virtual const std::string& name() const = 0;

  // The complete user listing.
  virtual core::Status fetch_users(RunContext& context, UserSink& sink) = 0;

  // The complete listing of portfolios, profiles or campaigns. The default says
  // the vendor has no such dataset.
  virtual core::Status fetch_entities(RunContext& context, const model::Dataset& dataset, EntitySink& sink);

  // Per-user datasets (CrocoDial user_stats and agent_status): one call per user,
  // a bounded number in flight and a request-rate cap. A failure that concerns
  // one user goes to sink.failure(); one that dooms them all (credentials
  // rejected, stop requested) ends the fetch as an Error. The defaults say the
  // vendor has no such dataset.
  virtual core::Status fetch_user_info(RunContext& context, std::span<const UserRef> users,
                                       PerUserSink<model::UserInfoResult>& sink);
  virtual core::Status fetch_agent_states(RunContext& context, std::span<const UserRef> users,
                                          PerUserSink<model::AgentState>& sink);

  // Authenticates (or makes the cheapest authenticated call) without syncing:
  // `rosterd check --connect`.
  virtual core::Status check_connection(RunContext& context) = 0;

  // Whether preview() shows something: a source whose mapping its configuration
  // describes (type rest), for the author of that description.
  [[nodiscard]] virtual bool previews() const { return false; }
  // The first `count` users of the listing's first page as the source maps them (their
  // columns, and in attributes what no column took): `check --connect` and `sync
  // --dry-run` show them. Proves the connection as check_connection() does.
  virtual core::Result<std::vector<model::User>> preview(RunContext& context, std::size_t count);
};

}  // namespace rosterd::sources

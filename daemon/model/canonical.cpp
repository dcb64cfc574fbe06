#include "model/canonical.hpp"

#include <bit>

#include "core/hash.hpp"
#include "core/json_writer.hpp"

namespace rosterd::model {
namespace {

void write_attributes(core::JsonWriter& out, const Attributes& attributes) {
  out.begin_object();
  for (const auto& [key, value] : attributes) out.key(key).raw(value);
  out.end_object();
}

// Everything of a user's snapshot before its attributes; the caller closes it.
void write_snapshot_fields(core::JsonWriter& out, const User& user) {
  out.begin_object();
  for (const auto& field : k_user_text_fields) out.plain_key(field.name).value(user.*field.member);
  out.plain_key("active");
  if (user.active) {
    out.value(*user.active ? 1 : 0);
  } else {
    out.null();
  }
}

}  // namespace

std::string attributes_json(const Attributes& attributes) {
  core::JsonWriter out;
  write_attributes(out, attributes);
  return out.take();
}

std::string portfolios_json(const std::vector<std::string>& portfolios) {
  core::JsonWriter out;
  out.begin_array();
  for (const auto& code : portfolios) out.value(code);
  out.end_array();
  return out.take();
}

void write_snapshot(core::JsonWriter& out, const User& user) {
  write_snapshot_fields(out, user);
  out.plain_key("attributes");
  write_attributes(out, user.attributes);
  out.plain_key("portfolios");
  if (user.portfolios) {
    out.begin_array();
    for (const auto& code : *user.portfolios) out.value(code);
    out.end_array();
  } else {
    out.null();
  }
  out.end_object();
}

std::string snapshot_json(const User& user) {
  core::JsonWriter out;
  write_snapshot(out, user);
  return out.take();
}

std::string snapshot_json(const User& user, std::string_view attributes_json,
                          const std::optional<std::string>& portfolios_json) {
  core::JsonWriter out;
  write_snapshot_fields(out, user);
  out.plain_key("attributes").raw(attributes_json).plain_key("portfolios");
  if (portfolios_json) {
    out.raw(*portfolios_json);
  } else {
    out.null();
  }
  out.end_object();
  return out.take();
}

std::string snapshot_json(const NamedEntity& entity) {
  core::JsonWriter out;
  out.begin_object().key("name").value(entity.name).key("attributes");
  write_attributes(out, entity.attributes);
  out.end_object();
  return out.take();
}

// Every listed record is hashed: the snapshot is written into a buffer reused by
// the thread rather than a new string each time.
std::int64_t content_hash(const User& user) {
  thread_local core::JsonWriter writer;
  writer.clear();
  write_snapshot(writer, user);
  return snapshot_hash(writer.str());
}

std::int64_t content_hash(const NamedEntity& entity) { return snapshot_hash(snapshot_json(entity)); }

std::int64_t snapshot_hash(std::string_view snapshot_json) {
  return std::bit_cast<std::int64_t>(core::content_hash64(snapshot_json));
}

}  // namespace rosterd::model

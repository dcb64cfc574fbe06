#include "sync/record_codec.hpp"

#include <cstdint>
#include <cstring>

namespace rosterd::sync {
namespace {

void put_u32(std::string& out, std::size_t value) {
  if (value > UINT32_MAX) throw CodecError("record field too large to spool");
  const auto v = static_cast<std::uint32_t>(value);
  char bytes[4];
  std::memcpy(bytes, &v, 4);
  out.append(bytes, 4);
}

void put_text(std::string& out, std::string_view text) {
  put_u32(out, text.size());
  out.append(text);
}

void put_optional(std::string& out, const std::optional<std::string>& text) {
  out.push_back(text ? '\1' : '\0');
  if (text) put_text(out, *text);
}

void put_attributes(std::string& out, const model::Attributes& attributes) {
  put_u32(out, attributes.size());
  for (const auto& [key, value] : attributes) {
    put_text(out, key);
    put_text(out, value);
  }
}

std::uint32_t get_u32(std::string_view& in) {
  if (in.size() < 4) throw CodecError("spool record cut short");
  std::uint32_t v = 0;
  std::memcpy(&v, in.data(), 4);
  in.remove_prefix(4);
  return v;
}

char get_byte(std::string_view& in) {
  if (in.empty()) throw CodecError("spool record cut short");
  const char c = in.front();
  in.remove_prefix(1);
  return c;
}

std::string get_text(std::string_view& in) {
  const auto length = get_u32(in);
  if (in.size() < length) throw CodecError("spool record cut short");
  std::string out(in.substr(0, length));
  in.remove_prefix(length);
  return out;
}

std::optional<std::string> get_optional(std::string_view& in) {
  if (get_byte(in) == '\0') return std::nullopt;
  return get_text(in);
}

model::Attributes get_attributes(std::string_view& in) {
  model::Attributes out;
  const auto count = get_u32(in);
  for (std::uint32_t i = 0; i < count; ++i) {
    auto key = get_text(in);
    out.emplace_hint(out.end(), std::move(key), get_text(in));
  }
  return out;
}

}  // namespace

void encode(std::string& out, const model::User& user) {
  put_text(out, user.external_id);
  for (const auto& field : model::k_user_text_fields) put_optional(out, user.*field.member);
  out.push_back(!user.active ? '\0' : (*user.active ? '\2' : '\1'));
  put_attributes(out, user.attributes);
  out.push_back(user.portfolios ? '\1' : '\0');
  if (user.portfolios) {
    put_u32(out, user.portfolios->size());
    for (const auto& code : *user.portfolios) put_text(out, code);
  }
}

void encode(std::string& out, const model::NamedEntity& entity) {
  put_text(out, entity.key);
  put_optional(out, entity.name);
  put_attributes(out, entity.attributes);
}

void decode(std::string_view& in, model::User& user) {
  user.external_id = get_text(in);
  for (const auto& field : model::k_user_text_fields) user.*field.member = get_optional(in);
  const char active = get_byte(in);
  user.active = active == '\0' ? std::nullopt : std::optional<bool>(active == '\2');
  user.attributes = get_attributes(in);
  if (get_byte(in) == '\0') {
    user.portfolios.reset();
  } else {
    user.portfolios.emplace();
    const auto count = get_u32(in);
    for (std::uint32_t i = 0; i < count; ++i) user.portfolios->push_back(get_text(in));
  }
}

void decode(std::string_view& in, model::NamedEntity& entity) {
  entity.key = get_text(in);
  entity.name = get_optional(in);
  entity.attributes = get_attributes(in);
}

}  // namespace rosterd::sync

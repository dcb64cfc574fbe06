#include "sync/change_lines.hpp"

#include <fmt/format.h>

#include "core/display_text.hpp"
#include "model/change_display.hpp"

namespace rosterd::sync {
namespace {

constexpr std::size_t k_max_value_chars = 200;

std::string clip(std::string text) {
  if (text.size() <= k_max_value_chars) return text;
  std::size_t cut = k_max_value_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  text.resize(cut);
  return text + "…";
}

std::string describe_fields(const std::vector<model::FieldChange>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {} -> {}", core::plain_or_quoted(f.field), clip(model::display_value(f.field, f.old_value)),
                       clip(model::display_value(f.field, f.new_value)));
  }
  return out;
}

// "email, user_group, attributes.tenant and 27 more": a fill names its fields, not values.
std::string name_fields(const std::vector<model::FieldChange>& fields) {
  constexpr std::size_t k_named = 3;
  std::string out;
  for (std::size_t i = 0; i < fields.size() && i < k_named; ++i) {
    out += (i == 0 ? "" : ", ") + core::plain_or_quoted(fields[i].field);
  }
  if (fields.size() > k_named) out += fmt::format(" and {} more", fields.size() - k_named);
  return out;
}

std::string line(std::string_view source, std::string_view entity, const std::string& key,
                 const std::optional<std::string>& label, ChangeKind kind,
                 const std::vector<model::FieldChange>& fields, const std::vector<model::FieldChange>& filled) {
  auto text =
      fmt::format("{}: {} {}{} {}", source, entity, core::plain_or_quoted(key),
                  model::label_part(label ? std::optional<std::string>(clip(*label)) : std::nullopt), to_string(kind));
  if (!fields.empty()) text += ": " + describe_fields(fields);
  if (!filled.empty())
    text += fmt::format("{}{}", kind == ChangeKind::filled ? ": " : "; filled: ", name_fields(filled));
  return text;
}

}  // namespace

std::string human_size(std::int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KB", static_cast<double>(bytes) / 1024.0);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::added:
      return "added";
    case ChangeKind::updated:
      return "updated";
    case ChangeKind::removed:
      return "removed";
    case ChangeKind::restored:
      return "restored";
    case ChangeKind::filled:
      return "filled";
  }
  return "?";
}

std::string change_line(std::string_view source, const Change<model::User>& change) {
  const auto& user = change.record;
  return line(source, "user", user.external_id, user.username, change.kind, change.fields, change.filled);
}

std::string change_line(std::string_view source, model::Entity entity, const Change<model::NamedEntity>& change) {
  return line(source, model::to_string(entity), change.record.key, change.record.name, change.kind, change.fields,
              change.filled);
}

std::string summary_line(std::string_view source, model::Dataset dataset, store::RunStatus status,
                         const store::RunCounts& c, core::Millis elapsed) {
  const auto filled = c.filled > 0 ? fmt::format(", filled {}", c.filled) : std::string();
  return fmt::format(
      "{}: {}: {} in {:.2f}s: fetched {}, added {}, updated {}, removed {}, restored {}, unchanged {}{} ({} requests, "
      "{})",
      source, model::to_string(dataset), store::to_string(status), static_cast<double>(elapsed.count()) / 1000.0,
      c.fetched, c.added, c.updated, c.removed, c.restored, c.unchanged, filled, c.requests, human_size(c.bytes));
}

}  // namespace rosterd::sync

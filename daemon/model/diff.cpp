#include "model/diff.hpp"

#include "model/canonical.hpp"

namespace rosterd::model {
namespace {

void diff_attributes(const Attributes& before, const Attributes& after, std::vector<FieldChange>& out) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      out.push_back({"attributes." + b->first, b->second, std::nullopt});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      out.push_back({"attributes." + a->first, std::nullopt, a->second});
      ++a;
    } else {
      if (b->second != a->second) out.push_back({"attributes." + a->first, b->second, a->second});
      ++a;
      ++b;
    }
  }
}

std::optional<std::string> portfolios_text(const std::optional<std::vector<std::string>>& portfolios) {
  if (!portfolios) return std::nullopt;
  return portfolios_json(*portfolios);
}

}  // namespace

std::optional<std::string> active_text(std::optional<bool> active) {
  if (!active) return std::nullopt;
  return std::string(*active ? "1" : "0");
}

std::vector<FieldChange> diff(const User& before, const User& after) {
  std::vector<FieldChange> out;
  for (const auto& field : k_user_text_fields) {
    if (before.*field.member != after.*field.member) {
      out.push_back({field.name, before.*field.member, after.*field.member});
    }
  }
  if (before.active != after.active) out.push_back({"active", active_text(before.active), active_text(after.active)});
  diff_attributes(before.attributes, after.attributes, out);
  if (before.portfolios != after.portfolios) {
    out.push_back({"portfolios", portfolios_text(before.portfolios), portfolios_text(after.portfolios)});
  }
  return out;
}

std::vector<FieldChange> diff(const NamedEntity& before, const NamedEntity& after) {
  std::vector<FieldChange> out;
  if (before.name != after.name) out.push_back({"name", before.name, after.name});
  diff_attributes(before.attributes, after.attributes, out);
  return out;
}

}  // namespace rosterd::model

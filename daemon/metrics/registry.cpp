#include "metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace rosterd::metrics {
namespace {

std::string_view type_name(Type type) {
  switch (type) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes backslashes and line feeds; label values double quotes too.
enum class Quotes { kept, escaped };
std::string escape(std::string_view text, Quotes quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes == Quotes::escaped) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, with `extra` (a histogram's le) last; empty when there are no labels.
std::string label_text(const Family& family, const LabelValues& values, std::string_view extra = {}) {
  std::string out;
  for (std::size_t i = 0; i < family.labels.size() && i < values.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", family.labels[i], escape_label_value(values[i]));
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + std::string(extra);
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{}", value);
}

std::string escape_label_value(std::string_view value) {
  return escape(value, Quotes::escaped);
}

Registry::Entry& Registry::entry(const Family& family) {
  auto& found = m_families[family.name];
  found.family = &family;
  return found;
}

Registry::Series& Registry::series(const Family& family, const LabelValues& labels) {
  if (labels.size() != family.labels.size()) {
    throw std::logic_error(fmt::format("metric {} takes {} labels, given {}", family.name, family.labels.size(),
                                       labels.size()));
  }
  auto& found = entry(family).series[labels];
  if (family.type == Type::histogram && found.bucket_hits.empty()) found.bucket_hits.assign(family.buckets.size(), 0);
  return found;
}

void Registry::add(const Family& family, const LabelValues& labels, double by) {
  std::lock_guard lock(m_mutex);
  series(family, labels).value += std::max(0.0, by);
}

void Registry::set(const Family& family, const LabelValues& labels, double value) {
  std::lock_guard lock(m_mutex);
  series(family, labels).value = value;
}

void Registry::observe(const Family& family, const LabelValues& labels, double value) {
  std::lock_guard lock(m_mutex);
  auto& found = series(family, labels);
  found.value += value;
  ++found.count;
  const auto bucket = std::lower_bound(family.buckets.begin(), family.buckets.end(), value);
  if (bucket != family.buckets.end()) ++found.bucket_hits[static_cast<std::size_t>(bucket - family.buckets.begin())];
}

void Registry::declare(const Family& family) {
  std::lock_guard lock(m_mutex);
  entry(family);
}

void Registry::forget(std::string_view first_label) {
  std::lock_guard lock(m_mutex);
  for (auto& [name, found] : m_families) {
    std::erase_if(found.series, [&](const auto& item) { return !item.first.empty() && item.first[0] == first_label; });
  }
}

std::string Registry::render(std::initializer_list<const Registry*> registries) {
  // Every registry stays locked while its families are written: a histogram's buckets, sum
  // and count come from one moment.
  std::vector<std::unique_lock<std::mutex>> locks;
  std::map<std::string_view, const Entry*> families;
  for (const auto* registry : registries) {
    locks.emplace_back(registry->m_mutex);
    for (const auto& [name, found] : registry->m_families) {
      if (!families.emplace(name, &found).second) {
        throw std::logic_error(fmt::format("metric {} is in two registries", name));
      }
    }
  }
  std::string out;
  for (const auto& [name, found] : families) {
    const Family& family = *found->family;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape(family.help, Quotes::kept), name, type_name(family.type));
    for (const auto& [labels, series] : found->series) {
      if (family.type != Type::histogram) {
        out += fmt::format("{}{} {}\n", name, label_text(family, labels), format_value(series.value));
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += series.bucket_hits[i];
        out += fmt::format("{}_bucket{} {}\n", name,
                           label_text(family, labels, fmt::format("le=\"{}\"", format_value(family.buckets[i]))),
                           cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", name, label_text(family, labels, "le=\"+Inf\""), series.count);
      out += fmt::format("{}_sum{} {}\n", name, label_text(family, labels), format_value(series.value));
      out += fmt::format("{}_count{} {}\n", name, label_text(family, labels), series.count);
    }
  }
  return out;
}

}  // namespace rosterd::metrics

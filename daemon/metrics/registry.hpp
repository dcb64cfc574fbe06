#pragma once
// Metrics in Prometheus' text exposition format (version 0.0.4), the format both the
// `/metrics` endpoint and node_exporter's textfile collector read. No Prometheus client
// library for C++ is packaged in Debian 12, and rosterd needs only counters, gauges and
// histograms with fixed label names: this is that, and nothing more.
//
// A family is declared once (metrics/families.hpp: name, help, type, label names,
// buckets); its series are created on first use. Label values are any text (escaped
// on output); never put user data in them, only source names, datasets, statuses.
// Thread-safe: runs on several threads add while the HTTP thread renders.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::metrics {

enum class Type { counter, gauge, histogram };

struct Family {
  std::string_view name;  // base units, `_total` for counters, `_seconds`, `_bytes`
  std::string_view help;
  Type type = Type::gauge;
  std::vector<std::string_view> labels;
  std::vector<double> buckets = {};  // histograms: upper bounds, ascending (+Inf is implied)
};

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Counters: adds `by` (not negative) to a series.
  void add(const Family& family, const LabelValues& labels, double by = 1);
  // Gauges: sets a series.
  void set(const Family& family, const LabelValues& labels, double value);
  // Histograms: counts one observation.
  void observe(const Family& family, const LabelValues& labels, double value);
  // Declares a family without series, so that it is listed (HELP and TYPE) even before its first
  // sample: a counter that is 0 is better shown than missing. Counters may be given series at 0.
  void declare(const Family& family);
  // Forgets a family's series whose first label is `first_label` (a source removed on reload).
  void forget(std::string_view first_label);

  // The exposition text of every family of the registries, in name order. The registries must
  // not declare the same family twice.
  [[nodiscard]] static std::string render(std::initializer_list<const Registry*> registries);
  [[nodiscard]] std::string render() const { return render({this}); }

 private:
  struct Series {
    double value = 0;                        // counter, gauge; a histogram's sum
    std::vector<std::uint64_t> bucket_hits;  // histograms: per bucket (not cumulative)
    std::uint64_t count = 0;                 // histograms
  };
  struct Entry {
    const Family* family = nullptr;
    std::map<LabelValues, Series> series;
  };
  Entry& entry(const Family& family);  // under m_mutex
  Series& series(const Family& family, const LabelValues& labels);

  mutable std::mutex m_mutex;
  std::map<std::string_view, Entry> m_families;
};

// Formats a sample value as Prometheus reads it: integers without exponent, +Inf, -Inf, NaN.
std::string format_value(double value);
// Escapes a label value (\\, \", \n).
std::string escape_label_value(std::string_view value);

}  // namespace rosterd::metrics

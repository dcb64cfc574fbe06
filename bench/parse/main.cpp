// rosterd-bench-parse: the rest source's response parser beside the native Smartflo
// parser, on the same listing. Fetches every page of a simulator Smartflo listing once
// (the cursor walk rosterd makes), then, in each repetition, parses all pages with
// sources::smartflo::parse_user_page and with sources::rest::parse_rest_page through
// config/definitions/smartflo.yaml, alternating which goes first. Neither consults
// stored digests: every record is normalized, as in an initial sync. Prints JSON: the
// records each mapped and the CPU seconds of each repetition.

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "floor/page_fetcher.hpp"
#include "sources/json_document.hpp"
#include "sources/registry.hpp"
#include "sources/rest/rest_json.hpp"
#include "sources/smartflo/smartflo_json.hpp"

namespace {

using namespace rosterd;

// Every page body of the listing, in order.
std::vector<std::string> fetch_pages(const std::string& base_url, const std::string& token, int page_size) {
  bench::PageFetcher fetcher({"Authorization: Bearer " + token, "Accept: application/json"});
  simdjson::dom::parser parser;
  std::vector<std::string> pages;
  std::string cursor;
  for (;;) {
    auto url = fmt::format("{}/v1/users?limit={}", base_url, page_size);
    if (!cursor.empty()) url += "&last_seen_id=" + cursor;
    const auto& body = fetcher.get(url);
    pages.push_back(body);
    pages.back().reserve(body.size() + simdjson::SIMDJSON_PADDING);
    const auto root = parser.parse(body);
    if (!root["has_more"].get_bool().value()) return pages;
    cursor = std::to_string(root["last_seen_id"].get_int64().value());
  }
}

const config::RestDefinition& definition(const std::string& path, config::SourceConfig& holder) {
  const auto config = config::parse_config(
      "database: db\nsources:\n  - name: bench\n    type: rest\n    url: https://api.example\n    definition: " + path +
          "\n    parameters: {email: e, password: p}\n",
      "/bench.yaml", sources::source_schemas());
  holder = config.sources.at(0);
  return *holder.definition;
}

// The thread's CPU seconds: steadier than wall time on a shared machine, and the parse
// does no I/O (the pages are in memory).
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

template <class Parse>
double timed(const std::vector<std::string>& pages, std::size_t& records, Parse&& parse) {
  const auto start = cpu_seconds();
  records = 0;
  for (const auto& page : pages) records += parse(page);
  return cpu_seconds() - start;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rosterd-bench-parse: the rest parser beside the native Smartflo parser"};
  std::string url, token, definition_path;
  int page_size = 1000, reps = 5;
  app.add_option("--url", url, "the Smartflo tenant's base URL")->required();
  app.add_option("--token", token, "its static token")->required();
  app.add_option("--definition", definition_path, "config/definitions/smartflo.yaml")->required();
  app.add_option("--page-size", page_size);
  app.add_option("--reps", reps);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto pages = fetch_pages(url, token, page_size);
    config::SourceConfig holder;
    const auto& rest = definition(definition_path, holder);
    const sources::FieldFilter filter(holder.drop_fields);
    sources::JsonDocumentParser parser;
    std::vector<double> native_s, rest_s;
    std::size_t native_records = 0, rest_records = 0;
    const auto native_run = [&] {
      native_s.push_back(timed(pages, native_records, [&](const std::string& page) {
        auto parsed = sources::smartflo::parse_user_page(page, parser, filter);
        if (!parsed) throw std::runtime_error("native: " + parsed.error().message);
        return parsed->users.size();
      }));
    };
    const auto rest_run = [&] {
      rest_s.push_back(timed(pages, rest_records, [&](const std::string& page) {
        auto parsed = sources::rest::parse_rest_page(200, page, parser, rest, filter);
        if (!parsed) throw std::runtime_error("rest: " + parsed.error().message);
        return parsed->users.size();
      }));
    };
    for (int rep = 0; rep < reps; ++rep) {
      if (rep % 2 == 0) {
        native_run();
        rest_run();
      } else {
        rest_run();
        native_run();
      }
    }
    std::printf("{\"pages\": %zu, \"native_records\": %zu, \"rest_records\": %zu, \"native_s\": [%s], \"rest_s\": [%s]}\n",
                pages.size(), native_records, rest_records, fmt::format("{}", fmt::join(native_s, ", ")).c_str(),
                fmt::format("{}", fmt::join(rest_s, ", ")).c_str());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rosterd-bench-parse: %s\n", error.what());
    return 1;
  }
}

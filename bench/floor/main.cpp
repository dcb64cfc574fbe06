// rosterd-bench-floor: the benchmark's floor. Fetches a simulator listing over HTTP
// with libcurl, exactly as rosterd requests it, parses every page with the simdjson DOM
// and upserts the records with one prepared statement in one transaction: no hashing,
// no diff, no history. bench/run times it beside rosterd.
//
// --parse-only does the same requests, parsing and row filling and writes nothing: what
// a run that finds nothing new costs at the least.
//
// --ndjson writes the listed items instead, one minified JSON object per line, as a
// user would pipe them into `sqlite-utils upsert --nl`.
//
// --postgresql URI loads the rows with COPY into one table instead (floor/copy_store.hpp).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "floor/copy_store.hpp"
#include "floor/floor_store.hpp"
#include "floor/listing.hpp"
#include "floor/page_fetcher.hpp"

namespace {

using namespace rosterd::bench;

struct Options {
  Listing listing;
  std::string vendor;
  std::string database;
  std::string ndjson;
  std::string postgresql;
  bool parse_only = false;
};

// Makes `row` observable, as if a store read every field: the optimizer must keep what
// fill_row wrote (the idiom of Google Benchmark's DoNotOptimize), at no cost of its own.
void keep(const FloorRow& row) {
  asm volatile("" : : "r"(&row) : "memory");
}

std::size_t store_listing(const Options& options, PageFetcher& fetcher, simdjson::dom::parser& parser) {
  FloorStore store(options.database);
  store.begin();
  FloorRow row;
  const auto count = walk_listing(options.listing, fetcher, parser, [&](simdjson::dom::object item) {
    fill_row(options.listing.vendor, item, row);
    store.upsert(row);
  });
  store.commit();
  return count;
}

std::size_t copy_listing(const Options& options, PageFetcher& fetcher, simdjson::dom::parser& parser) {
  CopyStore store(options.postgresql);
  store.begin();
  FloorRow row;
  const auto count = walk_listing(options.listing, fetcher, parser, [&](simdjson::dom::object item) {
    fill_row(options.listing.vendor, item, row);
    store.add(row);
  });
  store.commit();
  return count;
}

std::size_t parse_listing(const Options& options, PageFetcher& fetcher, simdjson::dom::parser& parser) {
  FloorRow row;
  return walk_listing(options.listing, fetcher, parser, [&](simdjson::dom::object item) {
    fill_row(options.listing.vendor, item, row);
    keep(row);
  });
}

std::size_t dump_listing(const Options& options, PageFetcher& fetcher, simdjson::dom::parser& parser) {
  std::ofstream out(options.ndjson, std::ios::binary | std::ios::trunc);
  const auto count = walk_listing(options.listing, fetcher, parser,
                                  [&](simdjson::dom::object item) { out << simdjson::minify(item) << '\n'; });
  out.close();
  if (!out) throw std::runtime_error("cannot write " + options.ndjson);
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The benchmark floor: a listing over HTTP, simdjson, one prepared upsert in one transaction"};
  Options o;
  app.add_option("--vendor", o.vendor, "smartflo or class4")->required()->check(CLI::IsMember({"smartflo", "class4"}));
  app.add_option("--url", o.listing.base_url, "the tenant's base URL, http://127.0.0.1:PORT/<tenant>")->required();
  app.add_option("--token", o.listing.token, "static token (Smartflo bearer, Class4 X-Auth-Token)")->required();
  app.add_option("--page-size", o.listing.page_size, "items per page")->check(CLI::Range(1, 1000000));
  auto* database = app.add_option("--database", o.database, "SQLite file to upsert into");
  auto* ndjson = app.add_option("--ndjson", o.ndjson, "write the items as newline-delimited JSON instead");
  auto* parse_only = app.add_flag("--parse-only", o.parse_only, "fetch, parse and fill the rows; write nothing");
  auto* postgresql = app.add_option("--postgresql", o.postgresql, "PostgreSQL URI to COPY the rows into");
  database->excludes(ndjson, parse_only, postgresql);
  ndjson->excludes(parse_only, postgresql);
  postgresql->excludes(parse_only);
  CLI11_PARSE(app, argc, argv);
  if (!o.parse_only && static_cast<int>(!o.database.empty()) + static_cast<int>(!o.ndjson.empty()) +
                               static_cast<int>(!o.postgresql.empty()) != 1) {
    std::cerr << "rosterd-bench-floor: give --database, --ndjson, --postgresql or --parse-only\n";
    return 2;
  }
  o.listing.vendor = o.vendor == "smartflo" ? Vendor::smartflo : Vendor::class4;
  try {
    PageFetcher fetcher(auth_headers(o.listing));
    simdjson::dom::parser parser;
    const auto count = o.parse_only                ? parse_listing(o, fetcher, parser)
                       : !o.postgresql.empty()     ? copy_listing(o, fetcher, parser)
                       : o.ndjson.empty()          ? store_listing(o, fetcher, parser)
                                                   : dump_listing(o, fetcher, parser);
    std::printf("{\"records\":%zu,\"requests\":%zu,\"bytes\":%zu}\n", count, fetcher.requests(), fetcher.bytes());
  } catch (const std::exception& e) {
    std::cerr << "rosterd-bench-floor: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

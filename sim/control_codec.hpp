#pragma once
// JSON forms of the simulator's types, for the /_sim/ control API. Readers take a
// parsed object and throw std::invalid_argument naming the field that is wrong;
// absent fields keep the value already in `out`.

#include <simdjson.h>

#include <string>

#include "core/json_writer.hpp"
#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

void read_user(const simdjson::dom::element& json, SimUser& out);
// `vendor` must name a row of `simulator`'s vendor table.
void read_tenant_options(const simdjson::dom::element& json, const Simulator& simulator, TenantOptions& out);
void read_fault(const simdjson::dom::element& json, Fault& out);
std::vector<NamedItem> read_named_items(const simdjson::dom::element& json);

void write_user(core::JsonWriter& w, const SimUser& user);
void write_fault(core::JsonWriter& w, const Fault& fault);
void write_stats(core::JsonWriter& w, const Stats& stats);
// Name, vendor, URLs and credentials: what a script needs to point rosterd at it.
void write_tenant(core::JsonWriter& w, const Tenant& tenant);

}  // namespace rosterd::sim::detail

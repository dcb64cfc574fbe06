#pragma once
// The vendor-neutral fault switches. Vendor handlers take the matching fault for a
// request, handle the kinds that need the vendor (error shapes, tokens, paging) and
// pass the rest here.

#include <optional>
#include <string>
#include <string_view>

#include "sim/reply.hpp"
#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

// Faults that answer instead of the vendor: http_status, html_page, empty_body.
// nullopt for every other kind. A 429 carries `too_many_requests_json` when the vendor
// answers rate limits itself, an nginx error page otherwise.
std::optional<Reply> replacing_reply(const Fault& fault, std::string_view too_many_requests_json = {});

// Faults that change how a normal answer is sent or what surrounds it: stall,
// stall_body, the truncations, malformed_json, oversize, php_warning, and the status of
// vendor_error when one was given. Others are ignored.
void apply_delivery_fault(const Fault& fault, Reply& reply);

// An nginx-style error page, as a proxy in front of any vendor sends.
std::string nginx_error_page(int status);

}  // namespace rosterd::sim::detail

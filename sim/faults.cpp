#include "sim/faults.hpp"

#include <fmt/format.h>

namespace rosterd::sim::detail {
namespace {

constexpr std::string_view k_html = "text/html; charset=UTF-8";

// PHP prints this before the JSON when display_errors is on: goAPI.php reads
// $_REQUEST['log_ip'] without isset() (docs/vendor-facts.md 1.2).
constexpr std::string_view k_php_warning =
    "<br />\n<b>Warning</b>:  Undefined index: log_ip in /var/www/html/goAPIv2/goAPI.php on line 58<br />\n";

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Temporarily Unavailable";
    case 504:
      return "Gateway Time-out";
    default:
      return "Error";
  }
}

std::size_t cut_point(const Fault& fault, std::size_t size) {
  return fault.bytes > 0 && fault.bytes < size ? fault.bytes : size / 2;
}

// A syntax error in the middle of the document: an extra comma before a member or
// element. `,"` is always structural, because a quote inside a JSON string is escaped.
std::string break_json(const std::string& body) {
  std::string out = body;
  const auto at = out.find(",\"", out.size() / 2);
  if (at != std::string::npos) {
    out.insert(at, 1, ',');
  } else if (const auto first = out.find(','); first != std::string::npos) {
    out.insert(first, 1, ',');
  } else {
    out.insert(out.size() / 2, 2, ']');
  }
  return out;
}

}  // namespace

std::string nginx_error_page(int status) {
  return fmt::format(
      "<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n<center><h1>{0} {1}</h1></center>\r\n"
      "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
      status, reason_phrase(status));
}

std::optional<Reply> replacing_reply(const Fault& fault, std::string_view too_many_requests_json) {
  Reply reply;
  switch (fault.kind) {
    case FaultKind::http_status:
      reply.status = fault.status > 0 ? fault.status : 503;
      if (reply.status == 429 && !too_many_requests_json.empty()) {
        reply.set_body(std::string(too_many_requests_json));
      } else {
        reply.content_type = k_html;
        reply.set_body(nginx_error_page(reply.status));
      }
      if (fault.retry_after >= 0) reply.headers.emplace_back("Retry-After", std::to_string(fault.retry_after));
      return reply;
    case FaultKind::html_page:
      reply.status = fault.status > 0 ? fault.status : 200;
      reply.content_type = k_html;
      reply.set_body(
          "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><h1>Session expired</h1>\n"
          "<form method=\"post\" action=\"/login\"><input name=\"username\"><input type=\"password\" "
          "name=\"password\"><button>Sign in</button></form>\n</body></html>\n");
      return reply;
    case FaultKind::empty_body:
      reply.status = fault.status > 0 ? fault.status : 200;
      reply.set_body("");
      return reply;
    default:
      return std::nullopt;
  }
}

void apply_delivery_fault(const Fault& fault, Reply& reply) {
  const std::size_t size = reply.body->size();
  switch (fault.kind) {
    case FaultKind::stall:
      reply.stall = fault.delay;
      break;
    case FaultKind::stall_body:
      reply.delivery = Delivery::stall_body;
      reply.cut = cut_point(fault, size);
      reply.stall = fault.delay;
      break;
    case FaultKind::truncate_length:
      reply.delivery = Delivery::truncate_length;
      reply.cut = cut_point(fault, size);
      break;
    case FaultKind::truncate_chunked:
      reply.delivery = Delivery::truncate_chunked;
      reply.cut = cut_point(fault, size);
      break;
    case FaultKind::truncate_close:
      reply.delivery = Delivery::truncate_close;
      reply.cut = cut_point(fault, size);
      break;
    case FaultKind::malformed_json:
      reply.set_body(break_json(*reply.body));
      break;
    case FaultKind::oversize:
      reply.delivery = Delivery::oversize;
      reply.padded_size = std::max(fault.bytes, size);
      break;
    case FaultKind::php_warning:
      reply.set_body(std::string(k_php_warning) + *reply.body);
      break;
    case FaultKind::vendor_error:
      if (fault.status > 0) reply.status = fault.status;
      break;
    default:
      break;
  }
}

}  // namespace rosterd::sim::detail

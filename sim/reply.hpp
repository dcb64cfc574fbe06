#pragma once
// What a vendor handler decides, before the server sends it: status, headers, body,
// and how the body is delivered (faults that cut or stall it).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rosterd::sim::detail {

enum class Delivery {
  whole,
  truncate_length,   // Content-Length of the whole body, `cut` bytes, close
  truncate_chunked,  // chunked, `cut` bytes, no final chunk, close
  truncate_close,    // no length, no chunking, `cut` bytes, close
  stall_body,        // Content-Length, `cut` bytes, then silence until `stall` or stop
  oversize,          // chunked: the body with whitespace before its last byte up to `padded_size`
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<const std::string> body = std::make_shared<const std::string>();

  Delivery delivery = Delivery::whole;
  std::size_t cut = 0;
  std::size_t padded_size = 0;
  // Silence before the answer (or, for stall_body, after `cut`); zero = until stop.
  std::optional<std::chrono::milliseconds> stall;

  void set_body(std::string text) { body = std::make_shared<const std::string>(std::move(text)); }
};

inline Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.set_body(std::move(body));
  return reply;
}

}  // namespace rosterd::sim::detail

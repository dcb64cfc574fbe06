// How a Reply goes on the wire. cpp-httplib sends a length-announced body from a
// content provider with a length, a chunked one from a chunked provider, and a body
// ending at connection close from a provider without length; a provider returning
// false closes the connection wherever the body stands. These are the three ways a
// real body gets cut short.

#include <algorithm>
#include <memory>

#include "sim/server_support.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::size_t k_slice = 256 * 1024;
constexpr std::size_t k_inline_limit = 64 * 1024;  // smaller bodies are copied into the response

using Body = std::shared_ptr<const std::string>;

void send_whole(const Body& body, const std::string& type, httplib::Response& response, StopSignal& stop) {
  if (body->size() < k_inline_limit) {
    response.set_content(*body, type);
    return;
  }
  response.set_content_provider(body->size(), type,
                                [body, &stop](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                  sink.write(body->data() + offset, std::min(length, k_slice));
                                  return !stop.stopped();
                                });
}

// Sends `cut` bytes once, then ends the connection (after waiting out `stall`, if any).
template <class SetProvider>
void send_cut(const Body& body, std::size_t cut, std::optional<std::chrono::milliseconds> stall, StopSignal& stop,
              SetProvider&& set_provider) {
  set_provider([body, cut, stall, &stop, sent = false](std::size_t, httplib::DataSink& sink) mutable {
    if (!sent) {
      sent = true;
      if (cut > 0) sink.write(body->data(), cut);
      return true;
    }
    if (stall) {
      if (stall->count() == 0)
        stop.wait();
      else
        stop.wait_for(*stall);
    }
    return false;
  });
}

// Chunked, padded with spaces before the body's last byte: still one valid document,
// but larger than any announced limit, and with no length announced to reject it by.
void send_oversize(const Body& body, std::size_t total, const std::string& type, httplib::Response& response,
                   StopSignal& stop) {
  response.set_chunked_content_provider(type, [body, total, &stop](std::size_t offset, httplib::DataSink& sink) {
    static const std::string k_spaces(k_slice, ' ');
    const std::size_t prefix = body->empty() ? 0 : body->size() - 1;
    const std::size_t last = total - (body->empty() ? 0 : 1);  // where the final byte goes
    if (offset < prefix) {
      sink.write(body->data() + offset, std::min(prefix - offset, k_slice));
    } else if (offset < last) {
      sink.write(k_spaces.data(), std::min(last - offset, k_slice));
    } else {
      if (!body->empty()) sink.write(body->data() + prefix, 1);
      sink.done();
    }
    return !stop.stopped();
  });
}

}  // namespace

std::size_t deliver(const Reply& reply, httplib::Response& response, StopSignal& stop) {
  if (reply.stall && reply.delivery != Delivery::stall_body) {
    const bool stopped = reply.stall->count() == 0 ? (stop.wait(), true) : stop.wait_for(*reply.stall);
    if (stopped) {
      response.status = 503;
      return 0;
    }
  }
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  const Body& body = reply.body;
  const std::string& type = reply.content_type;
  switch (reply.delivery) {
    case Delivery::whole:
      send_whole(body, type, response, stop);
      return body->size();
    case Delivery::truncate_length:
    case Delivery::stall_body:
      send_cut(body, reply.cut, reply.delivery == Delivery::stall_body ? reply.stall : std::nullopt, stop,
               [&](auto provider) {
                 response.set_content_provider(
                     body->size(), type, [provider](std::size_t offset, std::size_t, httplib::DataSink& sink) mutable {
                       return provider(offset, sink);
                     });
               });
      return reply.cut;
    case Delivery::truncate_chunked:
      send_cut(body, reply.cut, std::nullopt, stop,
               [&](auto provider) { response.set_chunked_content_provider(type, provider); });
      return reply.cut;
    case Delivery::truncate_close:
      send_cut(body, reply.cut, std::nullopt, stop,
               [&](auto provider) { response.set_content_provider(type, provider); });
      return reply.cut;
    case Delivery::oversize:
      send_oversize(body, reply.padded_size, type, response, stop);
      return reply.padded_size;
  }
  return 0;
}

}  // namespace rosterd::sim::detail

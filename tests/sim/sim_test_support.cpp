#include "sim_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "core/hash.hpp"

namespace rosterd::sim::testing {

std::string str(const simdjson::dom::element& e) {
  std::string_view text;
  if (e.get(text) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not a string: " << simdjson::minify(e);
    return {};
  }
  return std::string(text);
}

std::int64_t num(const simdjson::dom::element& e) {
  std::int64_t value = 0;
  if (e.get(value) != simdjson::SUCCESS) ADD_FAILURE() << "not an integer: " << simdjson::minify(e);
  return value;
}

bool RawResponse::has_header(std::string_view name) const {
  return headers.find("\r\n" + std::string(name) + ":") != std::string::npos;
}

std::string RawResponse::header(std::string_view name) const {
  const std::string key = "\r\n" + std::string(name) + ":";
  const auto at = headers.find(key);
  if (at == std::string::npos) return {};
  const auto start = headers.find_first_not_of(' ', at + key.size());
  return headers.substr(start, headers.find("\r\n", start) - start);
}

RawResponse raw_request(int port, const std::string& request_line, const std::string& extra_headers,
                        const std::string& body, int read_timeout_ms) {
  RawResponse response;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "cannot connect";
    ::close(fd);
    return response;
  }
  timeval timeout{read_timeout_ms / 1000, (read_timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request = request_line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string bytes;
  char buffer[65536];
  while (true) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      bytes.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    response.timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    break;
  }
  ::close(fd);
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return response;
  response.headers = bytes.substr(0, end + 2);
  std::transform(response.headers.begin(), response.headers.end(), response.headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  response.body = bytes.substr(end + 4);
  if (response.headers.size() > 12) response.status = std::stoi(response.headers.substr(9, 3));
  return response;
}

httplib::Params croco_params(const Tenant& tenant, const std::string& action) {
  return {{"goAction", action},
          {"goUser", tenant.options().user},
          {"goPass", tenant.options().password},
          {"responsetype", "json"}};
}

std::string worksection_path(const Tenant& tenant) {
  return "/" + tenant.options().name +
         "/api/admin/v2/?action=get_users&hash=" + core::md5_hex("action=get_users" + tenant.options().api_key);
}

std::string smartflo_login(httplib::Client& client, const Tenant& tenant) {
  const std::string body =
      R"({"email":")" + tenant.options().user + R"(","password":")" + tenant.options().password + R"("})";
  const auto result = client.Post("/" + tenant.options().name + "/v1/auth/login", body, "application/json");
  if (!result || result->status != 200) {
    ADD_FAILURE() << "smartflo login failed";
    return {};
  }
  Json json(result->body);
  return str(json["access_token"]);
}

std::string class4_login(httplib::Client& client, const Tenant& tenant) {
  const std::string body =
      R"({"email_or_name":")" + tenant.options().user + R"(","password":")" + tenant.options().password + R"("})";
  const auto result = client.Post("/" + tenant.options().name + "/v1/auth", body, "application/json");
  if (!result || result->status != 200) {
    ADD_FAILURE() << "class4 login failed";
    return {};
  }
  Json json(result->body);
  return str(json["payload"]["token"]);
}

}  // namespace rosterd::sim::testing

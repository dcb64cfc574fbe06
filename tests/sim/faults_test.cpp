// The vendor-neutral fault switches, checked on the wire with a raw socket client.

#include <future>
#include <thread>

#include "sim_test_support.hpp"

namespace rosterd::sim::testing {
namespace {

using namespace std::chrono_literals;

// The payload of a chunked body, and whether its last chunk arrived.
std::pair<std::string, bool> dechunk(const std::string& wire) {
  std::string out;
  std::size_t at = 0;
  while (at < wire.size()) {
    const auto line_end = wire.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const auto size = std::stoul(wire.substr(at, line_end - at), nullptr, 16);
    if (size == 0) return {out, true};
    out.append(wire.substr(line_end + 2, size));
    at = line_end + 2 + size + 2;
  }
  return {out, false};
}

class FaultsTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    tenant = &add("sw", "class4", 25);
    path = "/sw/v1/user/list?per_page=100";
    full = get()->body;
    ASSERT_TRUE(Json(full).ok());
  }

  httplib::Result get() { return client().Get(path, httplib::Headers{{"X-Auth-Token", tenant->options().token}}); }

  RawResponse raw(int timeout_ms = 10000) {
    return raw_request(sim.port(), "GET " + path + " HTTP/1.1", "X-Auth-Token: " + tenant->options().token + "\r\n", {},
                       timeout_ms);
  }

  // Waits (bounded) until the tenant has seen `count` requests.
  void wait_for_requests(std::uint64_t count) {
    for (int i = 0; i < 10000 && tenant->stats().requests < count; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_GE(tenant->stats().requests, count);
  }

  Tenant* tenant = nullptr;
  std::string path;
  std::string full;  // the normal body (before any fault)
};

TEST_F(FaultsTest, StatusFaultAppliesTheGivenNumberOfTimes) {
  tenant->set_fault({.kind = FaultKind::http_status, .times = 2, .status = 503, .retry_after = 7});
  for (int i = 0; i < 2; ++i) {
    const auto r = get();
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->get_header_value("Retry-After"), "7");
    EXPECT_NE(r->body.find("<title>503 Service Temporarily Unavailable</title>"), std::string::npos);
  }
  EXPECT_EQ(get()->status, 200);
  EXPECT_TRUE(tenant->faults().empty());
  EXPECT_EQ(tenant->stats().faults_injected, 2u);
}

TEST_F(FaultsTest, FaultsMatchTheirEndpointAndPage) {
  Tenant& c4 = add("c4", "class4", 50);  // a second tenant: faults are per tenant
  c4.set_fault({.kind = FaultKind::http_status, .page = 2, .status = 500});
  c4.set_fault({.kind = FaultKind::http_status, .endpoint = Endpoint::login, .status = 502});
  auto c = client();
  const auto list = [&](int page) {
    return c
        .Get("/c4/v1/user/list?per_page=10&page=" + std::to_string(page),
             httplib::Headers{{"X-Auth-Token", c4.options().token}})
        ->status;
  };
  EXPECT_EQ(list(0), 200);
  EXPECT_EQ(list(1), 500);
  EXPECT_EQ(list(1), 500) << "persistent";
  EXPECT_EQ(list(2), 200);
  EXPECT_EQ(c.Post("/c4/v1/auth", "{}", "application/json")->status, 400) << "validated before faults apply";
  EXPECT_EQ(c.Post("/c4/v1/auth", R"({"email_or_name":"a","password":"b"})", "application/json")->status, 502);
  c4.clear_faults();
  EXPECT_EQ(list(1), 200);
}

TEST_F(FaultsTest, TruncatedAfterAnnouncingTheLength) {
  tenant->set_fault({.kind = FaultKind::truncate_length, .times = 1, .bytes = 100});
  const RawResponse r = raw();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), std::to_string(full.size()));
  EXPECT_EQ(r.body, full.substr(0, 100));
}

TEST_F(FaultsTest, ChunkedBodyThatStopsWithoutItsLastChunk) {
  tenant->set_fault({.kind = FaultKind::truncate_chunked, .times = 1});
  const RawResponse r = raw();
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  const auto [payload, complete] = dechunk(r.body);
  EXPECT_FALSE(complete);
  EXPECT_EQ(payload, full.substr(0, full.size() / 2));
}

TEST_F(FaultsTest, CloseDelimitedBodyThatStopsMidJson) {
  tenant->set_fault({.kind = FaultKind::truncate_close, .times = 1, .bytes = 333});
  const RawResponse r = raw();
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("content-length"));
  EXPECT_FALSE(r.has_header("transfer-encoding"));
  EXPECT_EQ(r.body, full.substr(0, 333));
  EXPECT_FALSE(Json(r.body).ok());
}

TEST_F(FaultsTest, MalformedJsonHtmlAndEmptyBodiesWithStatus200) {
  tenant->set_fault({.kind = FaultKind::malformed_json, .times = 1});
  tenant->set_fault({.kind = FaultKind::html_page, .times = 1});
  tenant->set_fault({.kind = FaultKind::empty_body, .times = 1});
  const auto malformed = get();
  EXPECT_EQ(malformed->status, 200);
  EXPECT_EQ(malformed->body.size(), full.size() + 1);
  EXPECT_FALSE(Json(malformed->body).ok());
  const auto html = get();
  EXPECT_EQ(html->status, 200);
  EXPECT_EQ(html->get_header_value("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(html->body.rfind("<!DOCTYPE html>", 0), 0u);
  const auto empty = get();
  EXPECT_EQ(empty->status, 200);
  EXPECT_TRUE(empty->body.empty());
  EXPECT_EQ(get()->body, full);
}

TEST_F(FaultsTest, OversizeBodyIsChunkedValidJsonOfTheGivenSize) {
  const std::size_t size = 3 * 1024 * 1024 + 17;
  tenant->set_fault({.kind = FaultKind::oversize, .times = 1, .bytes = size});
  const RawResponse r = raw();
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  const auto [payload, complete] = dechunk(r.body);
  EXPECT_TRUE(complete);
  EXPECT_EQ(payload.size(), size);
  Json json(payload);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(simdjson::minify(json.root()), full);
}

TEST_F(FaultsTest, StallOutlastsTheClientAndEndsWhenTheSimulatorStops) {
  tenant->set_fault({.kind = FaultKind::stall});  // no delay: until stop
  const RawResponse impatient = raw(200);
  EXPECT_TRUE(impatient.timed_out);
  EXPECT_TRUE(impatient.headers.empty());

  auto waiting = std::async(std::launch::async, [&] { return raw(60000); });
  wait_for_requests(3);  // SetUp's, the impatient one's, this one
  auto stopped = std::async(std::launch::async, [&] { sim.stop(); });
  ASSERT_EQ(stopped.wait_for(30s), std::future_status::ready) << "stop() must end stalled handlers";
  const RawResponse r = waiting.get();
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.status, 200);
}

TEST_F(FaultsTest, FiniteStallThenTheNormalAnswer) {
  tenant->set_fault({.kind = FaultKind::stall, .times = 1, .delay = 30ms});
  EXPECT_EQ(get()->body, full);
}

TEST_F(FaultsTest, StallMidBody) {
  tenant->set_fault({.kind = FaultKind::stall_body, .times = 1, .bytes = 64});
  const RawResponse r = raw(200);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.header("content-length"), std::to_string(full.size()));
  EXPECT_EQ(r.body, full.substr(0, 64));
}

TEST(SimulatorStop, IsPromptWithIdleKeepAliveConnections) {
  // An hour of keep-alive: stop() must not wait for idle connections to time out.
  Simulator sim(SimulatorOptions{.threads = 4, .keep_alive = std::chrono::hours(1)});
  Tenant& t = sim.add_tenant({.name = "c4", .vendor = "class4", .users = 3});
  sim.start();
  httplib::Client c("127.0.0.1", sim.port());
  c.set_keep_alive(true);
  EXPECT_EQ(c.Get("/c4/v1/user/list", httplib::Headers{{"X-Auth-Token", t.options().token}})->status, 200);
  auto stopped = std::async(std::launch::async, [&] { sim.stop(); });
  ASSERT_EQ(stopped.wait_for(30s), std::future_status::ready);
}

TEST_F(FaultsTest, LatencyDelaysButDoesNotChangeTheAnswer) {
  tenant->set_latency(20ms);
  EXPECT_EQ(get()->body, full);
}

TEST_F(FaultsTest, EmptyListingInEachVendorsShape) {
  Tenant& croco = add("croco", "crocodial", 5);
  Tenant& sf = add("sf", "smartflo", 5);
  Tenant& ws = add("ws", "worksection", 5);
  for (Tenant* t : {tenant, &croco, &sf, &ws}) t->set_fault({.kind = FaultKind::empty_listing, .times = 1});
  auto c = client();
  EXPECT_EQ(get()->body, R"({"success":true,"payload":{"per_page":100,"total":0,"page":0,"items":[]}})");
  EXPECT_EQ(c.Get(worksection_path(ws))->body, R"({"status":"ok","data":[]})");
  EXPECT_EQ(c.Post("/croco/goAPIv2/goUsers/goAPI.php", croco_params(croco, "goGetAllUsers"))->body,
            R"({"code":"10010","result":"Error: No data found."})");
  EXPECT_EQ(c.Get("/sf/v1/users", httplib::Headers{{"Authorization", "Bearer " + sf.options().token}})->body,
            R"({"has_more":false,"count":0,"last_seen_id":0,"data":[]})");
}

TEST_F(FaultsTest, VendorErrorAndAuthFailureInEachVendorsShape) {
  tenant->set_fault({.kind = FaultKind::vendor_error, .times = 1, .status = 200, .error = "auth_token_not_provided"});
  tenant->set_fault({.kind = FaultKind::auth_failure, .times = 1});
  const auto not_provided = get();
  EXPECT_EQ(not_provided->status, 200) << "the status given";
  EXPECT_EQ(num(Json(not_provided->body)["error"]["code"]), 110);
  const auto refused = get();
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(num(Json(refused->body)["error"]["code"]), 120);
  EXPECT_EQ(get()->status, 200);

  Tenant& sf = add("sf", "smartflo", 5);
  sf.set_fault({.kind = FaultKind::vendor_error, .times = 1});
  sf.set_fault({.kind = FaultKind::auth_failure, .times = 1});
  sf.set_fault({.kind = FaultKind::vendor_error, .endpoint = Endpoint::login, .times = 1, .error = "login_failed"});
  auto c = client();
  const httplib::Headers bearer{{"Authorization", "Bearer " + sf.options().token}};
  const auto limited = c.Get("/sf/v1/users", bearer);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({ "success": "false", "message": "Too many requests." })");
  EXPECT_EQ(c.Get("/sf/v1/users", bearer)->status, 401);
  const std::string login = R"({"email":")" + sf.options().user + R"(","password":")" + sf.options().password + R"("})";
  const auto failed = c.Post("/sf/v1/auth/login", login, "application/json");
  EXPECT_EQ(num(Json(failed->body)["login_failed_count"]), 1) << "refused although the password is right";
  EXPECT_EQ(c.Post("/sf/v1/auth/login", login, "application/json")->status, 200);

  Tenant& ws = add("ws", "worksection", 5);
  ws.set_fault({.kind = FaultKind::auth_failure, .times = 1});
  ws.set_fault({.kind = FaultKind::vendor_error, .times = 1, .error = "invalid_action"});
  EXPECT_EQ(num(Json(c.Get(worksection_path(ws))->body)["status_code"]), 2);
  EXPECT_EQ(num(Json(c.Get(worksection_path(ws))->body)["status_code"]), 1);

  Tenant& croco = add("croco", "crocodial", 5);
  croco.set_fault({.kind = FaultKind::auth_failure, .endpoint = Endpoint::any, .times = 1});
  EXPECT_EQ(c.Post("/croco/goAPIv2/goUsers/goAPI.php", croco_params(croco, "getAllProfiles"))->body,
            R"({"result":"error","message":"Invalid Username\/Password"})");
}

TEST_F(FaultsTest, DuplicateInASinglePageListing) {
  Tenant& ws = add("ws", "worksection", 5);
  ws.set_fault({.kind = FaultKind::duplicate_ids, .times = 1});
  Json json(client().Get(worksection_path(ws))->body);
  std::vector<std::string> ids;
  for (const auto item : json["data"].get_array()) ids.push_back(str(item["id"]));
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(ids.front(), ids.back());
}

}  // namespace
}  // namespace rosterd::sim::testing

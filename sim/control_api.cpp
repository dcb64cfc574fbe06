#include "sim/control_api.hpp"

#include <simdjson.h>

#include <stdexcept>

#include "core/json_writer.hpp"
#include "sim/control_codec.hpp"

namespace rosterd::sim::detail {
namespace {

using core::JsonWriter;
using Action = std::function<std::string(const httplib::Request&)>;

constexpr std::string_view k_control_tenant_path = "/_sim/tenants/([a-z0-9_-]+)";
constexpr std::string_view k_user = "/_sim/tenants/([a-z0-9_-]+)/users/([0-9]+)";

std::string error_json(std::string_view message) {
  JsonWriter w;
  w.begin_object().key("error").value(message).end_object();
  return w.take();
}

// Runs `action`; its exceptions become 404 (unknown tenant or user), 400 (bad input)
// or 500, each with {"error": "..."}.
httplib::Server::Handler guarded(Action action) {
  return [action = std::move(action)](const httplib::Request& request, httplib::Response& response) {
    try {
      response.set_content(action(request), "application/json");
      return;
    } catch (const std::out_of_range& e) {
      response.status = 404;
      response.set_content(error_json(e.what()), "application/json");
    } catch (const std::invalid_argument& e) {
      response.status = 400;
      response.set_content(error_json(e.what()), "application/json");
    } catch (const std::exception& e) {
      response.status = 500;
      response.set_content(error_json(e.what()), "application/json");
    }
  };
}

// The request body as JSON; an empty body is {}.
simdjson::dom::element body_json(simdjson::dom::parser& parser, const httplib::Request& request) {
  const std::string& text = request.body.empty() ? std::string("{}") : request.body;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) throw std::invalid_argument("the body is not valid JSON");
  return root;
}

std::string pattern(std::string_view base, std::string_view rest = {}) {
  return std::string(base) + std::string(rest);
}

std::int64_t user_id(const httplib::Request& request) {
  return std::stoll(request.matches[2].str());
}

std::string ok() {
  return R"({"ok":true})";
}

std::string user_json(const SimUser& user) {
  JsonWriter w;
  write_user(w, user);
  return w.take();
}

std::string named_items_json(const std::vector<NamedItem>& items) {
  JsonWriter w;
  w.begin_array();
  for (const auto& item : items) w.begin_object().key("id").value(item.id).key("name").value(item.name).end_object();
  w.end_array();
  return w.take();
}

std::string secrets_json(const std::vector<std::string>& secrets) {
  JsonWriter w;
  w.begin_array();
  for (const auto& secret : secrets) w.value(secret);
  w.end_array();
  return w.take();
}

void register_tenant_routes(httplib::Server& server, Simulator& sim) {
  const auto tenant = [&sim](const httplib::Request& request) -> Tenant& {
    return sim.tenant(request.matches[1].str());
  };
  server.Get("/_sim/tenants", guarded([&sim](const httplib::Request&) {
               JsonWriter w;
               w.begin_array();
               for (const Tenant* t : sim.tenants()) write_tenant(w, *t);
               w.end_array();
               return w.take();
             }));
  server.Post("/_sim/tenants", guarded([&sim](const httplib::Request& request) {
                simdjson::dom::parser parser;
                TenantOptions options;
                read_tenant_options(body_json(parser, request), sim, options);
                JsonWriter w;
                write_tenant(w, sim.add_tenant(std::move(options)));
                return w.take();
              }));
  server.Get(pattern(k_control_tenant_path), guarded([tenant](const httplib::Request& request) {
               JsonWriter w;
               write_tenant(w, tenant(request));
               return w.take();
             }));
  server.Get(pattern(k_control_tenant_path, "/stats"), guarded([tenant](const httplib::Request& request) {
               JsonWriter w;
               write_stats(w, tenant(request).stats());
               return w.take();
             }));
  server.Get(pattern(k_control_tenant_path, "/secrets"), guarded([tenant](const httplib::Request& request) {
               return secrets_json(tenant(request).served_secrets());
             }));
  server.Get("/_sim/secrets", guarded([&sim](const httplib::Request&) {
               std::vector<std::string> all;
               for (const Tenant* t : sim.tenants()) {
                 auto secrets = t->served_secrets();
                 all.insert(all.end(), secrets.begin(), secrets.end());
               }
               return secrets_json(all);
             }));
}

void register_clock_routes(httplib::Server& server, Simulator& sim) {
  const auto tenant = [&sim](const httplib::Request& request) -> Tenant& {
    return sim.tenant(request.matches[1].str());
  };
  server.Post(pattern(k_control_tenant_path, "/clock"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                std::int64_t seconds = 0;
                if (body_json(parser, request)["advance_seconds"].get(seconds) != simdjson::SUCCESS) {
                  throw std::invalid_argument("advance_seconds: expected an integer");
                }
                tenant(request).advance_clock(std::chrono::seconds(seconds));
                return "{\"now\":" + std::to_string(tenant(request).now()) + "}";
              }));
  server.Post(pattern(k_control_tenant_path, "/latency"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                std::int64_t ms = 0;
                if (body_json(parser, request)["ms"].get(ms) != simdjson::SUCCESS)
                  throw std::invalid_argument("ms: expected an integer");
                tenant(request).set_latency(std::chrono::milliseconds(ms));
                return ok();
              }));
  server.Post(pattern(k_control_tenant_path, "/expire_tokens"), guarded([tenant](const httplib::Request& request) {
                tenant(request).expire_tokens();
                return ok();
              }));
}

void register_user_routes(httplib::Server& server, Simulator& sim) {
  const auto tenant = [&sim](const httplib::Request& request) -> Tenant& {
    return sim.tenant(request.matches[1].str());
  };
  server.Get(pattern(k_control_tenant_path, "/users"), guarded([tenant](const httplib::Request& request) {
               JsonWriter w;
               w.begin_array();
               for (const auto& user : tenant(request).users()) write_user(w, user);
               w.end_array();
               return w.take();
             }));
  // {} (or no body) adds a generated user; any field given makes an explicit one.
  server.Post(pattern(k_control_tenant_path, "/users"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                const auto json = body_json(parser, request);
                if (!json.is_object()) throw std::invalid_argument("user: expected an object");
                if (json.get_object().value_unsafe().size() == 0) return user_json(tenant(request).add_user());
                SimUser user;
                read_user(json, user);
                return user_json(tenant(request).add_user(std::move(user)));
              }));
  server.Get(pattern(k_user), guarded([tenant](const httplib::Request& request) {
               const auto user = tenant(request).user(user_id(request));
               if (!user) throw std::out_of_range("no such user");
               return user_json(*user);
             }));
  const auto update = guarded([tenant](const httplib::Request& request) {
    simdjson::dom::parser parser;
    const auto json = body_json(parser, request);
    const auto id = user_id(request);
    tenant(request).update_user(id, [&](SimUser& user) {
      read_user(json, user);
      user.id = id;  // the path names the user
    });
    return user_json(*tenant(request).user(id));
  });
  server.Post(pattern(k_user), update);
  server.Patch(pattern(k_user), update);
  server.Delete(pattern(k_user), guarded([tenant](const httplib::Request& request) {
                  tenant(request).remove_user(user_id(request));
                  return ok();
                }));
  server.Post(pattern(k_user, "/restore"), guarded([tenant](const httplib::Request& request) {
                tenant(request).restore_user(user_id(request));
                return ok();
              }));
  server.Post(pattern(k_control_tenant_path, "/agents/([0-9]+)"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                std::string_view status;
                if (body_json(parser, request)["status"].get(status) != simdjson::SUCCESS) {
                  throw std::invalid_argument("status: expected a string");
                }
                tenant(request).set_agent_status(user_id(request), std::string(status));
                return ok();
              }));
  server.Delete(pattern(k_control_tenant_path, "/agents/([0-9]+)"), guarded([tenant](const httplib::Request& request) {
                  tenant(request).clear_agent_status(user_id(request));
                  return ok();
                }));
}

void register_fault_and_list_routes(httplib::Server& server, Simulator& sim) {
  const auto tenant = [&sim](const httplib::Request& request) -> Tenant& {
    return sim.tenant(request.matches[1].str());
  };
  server.Post(pattern(k_control_tenant_path, "/faults"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                Fault fault;
                read_fault(body_json(parser, request), fault);
                tenant(request).set_fault(fault);
                JsonWriter w;
                write_fault(w, fault);
                return w.take();
              }));
  server.Get(pattern(k_control_tenant_path, "/faults"), guarded([tenant](const httplib::Request& request) {
               JsonWriter w;
               w.begin_array();
               for (const auto& fault : tenant(request).faults()) write_fault(w, fault);
               w.end_array();
               return w.take();
             }));
  server.Delete(pattern(k_control_tenant_path, "/faults"), guarded([tenant](const httplib::Request& request) {
                  tenant(request).clear_faults();
                  return ok();
                }));
  server.Get(pattern(k_control_tenant_path, "/(portfolios|profiles|campaigns)"), guarded([tenant](const httplib::Request& request) {
               Tenant& t = tenant(request);
               const std::string list = request.matches[2].str();
               return named_items_json(list == "portfolios" ? t.portfolios()
                                       : list == "profiles" ? t.profiles()
                                                            : t.campaigns());
             }));
  server.Put(pattern(k_control_tenant_path, "/(portfolios|profiles|campaigns)"), guarded([tenant](const httplib::Request& request) {
               simdjson::dom::parser parser;
               auto items = read_named_items(body_json(parser, request));
               Tenant& t = tenant(request);
               const std::string list = request.matches[2].str();
               if (list == "portfolios")
                 t.set_portfolios(std::move(items));
               else if (list == "profiles")
                 t.set_profiles(std::move(items));
               else
                 t.set_campaigns(std::move(items));
               return ok();
             }));
}

// Benchmarks: pre-rendered listings and bulk changes (Tenant::prerender, Tenant::churn).
void register_bench_routes(httplib::Server& server, Simulator& sim) {
  const auto tenant = [&sim](const httplib::Request& request) -> Tenant& {
    return sim.tenant(request.matches[1].str());
  };
  server.Post(pattern(k_control_tenant_path, "/prerender"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                std::int64_t page_size = 0;
                if (body_json(parser, request)["page_size"].get(page_size) != simdjson::SUCCESS || page_size < 1 ||
                    page_size > 1000000) {
                  throw std::invalid_argument("page_size: expected an integer from 1 to 1000000");
                }
                const auto pages = tenant(request).prerender(static_cast<int>(page_size));
                return "{\"pages\":" + std::to_string(pages) + "}";
              }));
  server.Post(pattern(k_control_tenant_path, "/churn"), guarded([tenant](const httplib::Request& request) {
                simdjson::dom::parser parser;
                std::int64_t count = 0;
                if (body_json(parser, request)["count"].get(count) != simdjson::SUCCESS || count < 0)
                  throw std::invalid_argument("count: expected a non-negative integer");
                const auto changed = tenant(request).churn(static_cast<std::size_t>(count));
                return "{\"changed\":" + std::to_string(changed) + "}";
              }));
}

}  // namespace

void register_control_api(httplib::Server& server, Simulator& simulator) {
  register_tenant_routes(server, simulator);
  register_clock_routes(server, simulator);
  register_user_routes(server, simulator);
  register_fault_and_list_routes(server, simulator);
  register_bench_routes(server, simulator);
}

}  // namespace rosterd::sim::detail

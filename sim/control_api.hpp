#pragma once
// The /_sim/ control API: JSON over HTTP for scripts and other processes that drive a
// running simulator (README.md lists the routes).

#include <httplib.h>

#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

void register_control_api(httplib::Server& server, Simulator& simulator);

}  // namespace rosterd::sim::detail

"""The side-by-side suite: for every listing size and vendor, repetitions of
initial sync -> no-change resync -> 1% churn -> resync, each scenario run by every tool
that takes part in it, back to back (the order rotates between repetitions), each tool
on its own database.
"""

import json
import statistics
import subprocess
from pathlib import Path

from .sim import Simulator
from .tools import Listing

REPO = Path(__file__).resolve().parent.parent.parent

TENANT = {"smartflo": "sf", "class4": "c4"}
LARGE_LISTING = 100_000  # above this, sqlite-utils runs --sqlite-utils-large-reps times
BYTES_PER_USER_PAGE = 2048  # generous upper bound of a rendered user (Class4 ~890 bytes)


def log(message):
    print(message, flush=True)


class Suite:
    def __init__(self, args, paths, meter, tools, sink, parse_sink=None):
        self.args = args
        self.paths = paths  # .sim, .work
        self.meter = meter
        self.tools = tools  # Rosterd, Floor, ParseFloor[, SqliteUtils]; the Floor also dumps NDJSON
        self.floor = next(t for t in tools if t.name == "floor")
        self.sink = sink    # called with every result dict
        self.parse_sink = parse_sink  # called with the rest parser's result on each Smartflo listing

    def run(self):
        for users in self.args.sizes:
            tenants = [f"{TENANT[v]}:{v}:{users}" for v in self.args.vendors]
            cache_mb = max(256, users * BYTES_PER_USER_PAGE // (1 << 20))
            with Simulator(self.paths.sim, self.paths.work, tenants, prerender=self.args.page_size,
                           cache_limit_mb=cache_mb, name=f"sim-{users}") as sim:
                info = sim.tenants()
                for vendor in self.args.vendors:
                    tenant = info[TENANT[vendor]]
                    listing = Listing(vendor=vendor, users=users, url=tenant["base_url"], token=tenant["token"],
                                      page_size=self.args.page_size, churned=max(1, users // 100),
                                      ndjson=self.paths.work / f"{vendor}-{users}.ndjson")
                    for rep in range(self.args.reps):
                        self.repetition(sim, TENANT[vendor], listing, rep)
                    if vendor == "smartflo" and self.parse_sink:
                        self.parse_sink(self.rest_parse(listing))
                    listing.ndjson.unlink(missing_ok=True)
                    for tool in self.tools:
                        tool.reset(listing)  # frees the disk for the next listing

    def rest_parse(self, listing: Listing):
        """The rest source's parser (config/definitions/smartflo.yaml) beside the native
        Smartflo parser on the pages of this listing: CPU seconds of each repetition."""
        argv = [str(self.paths.parse), "--url", listing.url, "--token", listing.token,
                "--definition", str(REPO / "config" / "definitions" / "smartflo.yaml"),
                "--page-size", str(listing.page_size), "--reps", str(max(5, self.args.reps))]
        result = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
        result["users"] = listing.users
        if result["native_records"] != listing.users or result["rest_records"] != listing.users:
            raise RuntimeError(f"the parse bench mapped {result['native_records']} and {result['rest_records']} "
                               f"records of {listing.users}")
        native, rest = statistics.median(result["native_s"]), statistics.median(result["rest_s"])
        log(f"  smartflo {listing.users:>8} rest parser {rest:.3f} s CPU, native {native:.3f} s CPU: "
            f"{rest / native:.2f}x")
        return result

    def tools_for(self, listing: Listing, rep):
        """Every tool, except sqlite-utils past its repetitions on large listings (it is
        bound by an fsync per 100 records: most of an hour for one repetition at 1M)."""
        large = listing.users > LARGE_LISTING
        return [t for t in self.tools
                if t.name != "sqlite-utils" or not large or rep < self.args.sqlite_utils_large_reps]

    def repetition(self, sim, tenant, listing: Listing, rep):
        tools = self.tools_for(listing, rep)
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]
        for tool in order:
            tool.reset(listing)
        for scenario in ("initial", "nochange", "churn"):
            if scenario == "churn":
                changed = sim.churn(tenant, listing.churned)
                sim.prerender(tenant, listing.page_size)
                if changed != listing.churned:
                    raise RuntimeError(f"the simulator changed {changed} users, not {listing.churned}")
            if scenario != "nochange" and any(t.name == "sqlite-utils" for t in order):
                self.floor.dump(listing, self.log_path(listing, "dump", scenario, rep))
            for tool in order:
                if scenario in tool.scenarios:
                    self.measure(sim, tenant, tool, listing, scenario, rep)

    def measure(self, sim, tenant, tool, listing, scenario, rep):
        renders_before = sim.stats(tenant)["renders"]
        sim_cpu_before = sim.cpu_seconds()
        result = tool.run(listing, scenario, self.log_path(listing, tool.name, scenario, rep))
        result["sim_cpu_s"] = sim.cpu_seconds() - sim_cpu_before
        if sim.stats(tenant)["renders"] != renders_before and result["check"] == "ok":
            result["check"] = "the simulator rendered pages during the run (the cache did not hold them)"
        result.update(tool=tool.name, vendor=listing.vendor, users=listing.users, scenario=scenario, rep=rep + 1)
        del result["stdout"]
        self.sink(result)
        mark = "" if result["check"] == "ok" else f"  CHECK FAILED: {result['check']}"
        log(f"  {listing.vendor:8} {listing.users:>8} rep {rep + 1}  {scenario:8} {tool.name:12} "
            f"{result['wall_s']:8.2f} s wall {result['cpu_s']:8.2f} s CPU {result['max_rss_kb'] / 1024:8.1f} MB RSS"
            f"{mark}")

    def log_path(self, listing, tool, scenario, rep):
        directory = self.paths.work / "logs"
        directory.mkdir(exist_ok=True)
        return directory / f"{listing.vendor}-{listing.users}-{tool}-{scenario}-{rep + 1}.log"

"""Response memory: the peak RSS of `rosterd sync` against one large response, with the
default `max_response_bytes` (64 MiB), measured by rosterd-bench-measure (wait4's
ru_maxrss of exactly that process).

Scenarios, each on a fresh database, one Class4 source with a static token:
- small: a listing of 5 users (what the process costs by itself);
- endless: a chunked body that never ends (the simulator's `oversize` fault padding a
  page to 1 TiB with spaces): the run fails at the cap;
- near-cap: a valid body 1 MiB under the cap (the page padded with spaces): the run
  succeeds.

With `--baseline-build DIR` the same scenarios also run DIR's rosterd (a build of the
commit before a change, say) back to back with this build's, in each repetition, so
that the ratio of the two compares like with like.
"""

from pathlib import Path

from .measure import remove_database
from .sim import Simulator

TENANT = "mem"
CAP = 64 << 20          # config.hpp: the default max_response_bytes
ALLOWANCE = 24 << 20    # what the process may take beside the body (code, SQLite, libcurl)
ENDLESS = 1 << 40
SCENARIOS = {
    "small": (None, 0),
    "endless": (ENDLESS, 1),
    "near-cap": (CAP - (1 << 20), 0),
}  # name -> (padded page size, expected exit status)


def log(message):
    print(message, flush=True)


def write_config(path: Path, db: Path, tenant):
    path.write_text(f"database: {db}\nlog_level: warn\nsources:\n  - name: {TENANT}\n    type: class4\n"
                    f"    url: {tenant['base_url']}\n    token: \"{tenant['token']}\"\n")
    path.chmod(0o600)  # it holds the simulator's token


def body_memory_run(args, paths, meter):
    binaries = {"rosterd": paths.rosterd}
    if args.baseline_build:
        binaries["baseline"] = args.baseline_build.resolve() / "rosterd"
    runs = []
    with Simulator(paths.sim, paths.work, [f"{TENANT}:class4:5"], name="sim-memory") as sim:
        tenant = sim.tenants()[TENANT]
        db = paths.work / "memory.db"
        config = paths.work / "memory.yaml"
        write_config(config, db, tenant)
        for rep in range(args.reps):
            for scenario, (padded, expected_exit) in SCENARIOS.items():
                sim.request("DELETE", f"/_sim/tenants/{TENANT}/faults")
                if padded:
                    sim.request("POST", f"/_sim/tenants/{TENANT}/faults", {"kind": "oversize", "bytes": padded})
                order = list(binaries.items())
                if rep % 2:
                    order.reverse()
                for tool, binary in order:
                    remove_database(db)
                    log_path = paths.work / f"memory-{scenario}-{tool}-{rep}.log"
                    result = meter.run([str(binary), "sync", "--config", str(config)], None, log_path)
                    check = "ok" if result["exit"] == expected_exit else \
                        f"exit status {result['exit']}, expected {expected_exit}"
                    runs.append({"scenario": scenario, "tool": tool, "rep": rep, "exit": result["exit"],
                                 "check": check, "wall_s": result["wall_s"], "max_rss_kb": result["max_rss_kb"]})
                    log(f"memory {scenario:8} {tool:8} rep {rep}: peak RSS {result['max_rss_kb'] / 1024:6.1f} MB, "
                        f"exit {result['exit']} ({check})")
        remove_database(db)
    return {"cap_bytes": CAP, "allowance_bytes": ALLOWANCE, "baseline": str(binaries.get("baseline") or ""),
            "scenarios": list(SCENARIOS), "runs": runs}

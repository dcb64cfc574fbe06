"""Where rosterd's time and memory go: `rosterd sync` under valgrind on a smaller
listing (perf has no hardware counters on this machine: `perf stat -e instructions`
reports <not supported>). callgrind counts instructions per function for the three
scenarios (inclusive and self cost, from callgrind_annotate); massif records the
heap at its peak during the initial sync (the largest allocation sites, from ms_print).
Instruction counts do not see waiting (fsync, the network), which the suite's wall
times do.
"""

import re
import subprocess
from pathlib import Path

from .sim import Simulator
from .suite import TENANT
from .tools import Listing, Rosterd

TOP = 12
NAME_WIDTH = 110
ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$")
MASSIF_SITE = re.compile(r"^[|\s]*->\s*([\d.]+)%\s+\(([\d,]+)B\)\s+0x[0-9A-Fa-f]+:\s+(.*)$")


def log(message):
    print(message, flush=True)


def compact(text):
    """`/path/file.cpp:void ns::Type<T>::f(args) const [obj]` -> `ns::Type::f`."""
    text = re.sub(r"\s+\[[^\]]*\]$", "", text.strip())          # the object file
    text = re.sub(r"^([^\s:]+|\?\?\?):(?!:)", "", text)           # the source file
    text = text.replace("(anonymous namespace)", "{anon}").replace("[abi:cxx11]", "")
    text = re.sub(r"\{lambda\([^{}]*\)#(\d+)\}", r"{lambda#\1}", text)
    text = re.sub(r"\s*\[clone [^\]]*\]", "", text).replace("operator()", "operator<call>")
    previous = None
    while previous != text:  # template arguments, innermost first
        previous, text = text, re.sub(r"<[^<>]*>", "", text)
    text = text.split("(", 1)[0].replace("operator", "operator()") if "operator<call>" in text else \
        text.split("(", 1)[0]
    text = text.split()[-1] if text.split() else text  # the return type
    return text if len(text) <= NAME_WIDTH else text[:NAME_WIDTH - 1] + "…"


# Frames of the call chain every scenario shares: not worth a row.
ENTRY_FRAMES = ("rosterd::cli::main", "rosterd::cli::sync_command", "std::_Function_handler::_M_invoke", "main",
                "rosterd::sync::Runner::run", "rosterd::sync::Runner::run_listing")


# Library entry points whose inclusive cost says where a scenario's time goes (the
# ephemeral b-trees of sqlite3BtreeCreateTable come from CHECK (x IN (...)) constraints,
# which SQLite 3.40 evaluates by building a temporary table for every row written).
LIBRARY_FRAMES = ("sqlite3_step", "sqlite3BtreeCreateTable", "simdjson::dom::parser::parse_into_document",
                  "curl_multi_perform", "XXH3_64bits", "rosterd::model::content_hash")


def annotate(out_file: Path, inclusive):
    """(total instructions, top functions, library entry points); with `inclusive`, the
    top functions are rosterd's own below the entry chain."""
    argv = ["callgrind_annotate", "--threshold=100", f"--inclusive={'yes' if inclusive else 'no'}", str(out_file)]
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    total, rows, libraries, seen = None, [], {}, set()
    for line in text.splitlines():
        match = ANNOTATE_LINE.match(line)
        if not match:
            continue
        count, percent, name = int(match[1].replace(",", "")), float(match[2]), compact(match[3])
        if "PROGRAM TOTALS" in match[3]:
            total = count
            continue
        if name in LIBRARY_FRAMES and name not in libraries:
            libraries[name] = percent
        if name in seen or (inclusive and (not name.startswith("rosterd::") or name in ENTRY_FRAMES)):
            continue
        seen.add(name)
        if len(rows) < TOP:
            rows.append({"percent": percent, "instructions": count, "function": name})
    return total, rows, libraries


def callgrind(paths, rosterd: Rosterd, scenario, vendor):
    out_file = paths.work / f"callgrind-{vendor}-{scenario}.out"
    log_file = paths.work / f"callgrind-{vendor}-{scenario}.log"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
            str(rosterd.binary), "sync", "--config", str(rosterd.config)]
    with open(log_file, "wb") as log_out:
        subprocess.run(argv, stdout=log_out, stderr=subprocess.STDOUT, check=True)
    total, inclusive, libraries = annotate(out_file, True)
    _, self_cost, _ = annotate(out_file, False)
    out_file.unlink()
    return {"instructions": total, "inclusive": inclusive, "self": self_cost, "libraries": libraries}


def massif(paths, rosterd: Rosterd, vendor):
    out_file = paths.work / f"massif-{vendor}.out"
    argv = ["valgrind", "--tool=massif", f"--massif-out-file={out_file}", "--depth=8",
            str(rosterd.binary), "sync", "--config", str(rosterd.config)]
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    text = subprocess.run(["ms_print", "--threshold=2", str(out_file)], capture_output=True, text=True,
                          check=True).stdout
    out_file.unlink()
    return parse_massif(text)


def parse_massif(text):
    """The peak snapshot's heap size and its largest allocation sites, each named by the
    first rosterd function up its call chain (the allocating frame is usually std::)."""
    peak = re.search(r"Detailed snapshots: \[(?:[\d, ]*?)(\d+) \(peak\)", text)
    if not peak:
        return {"peak_heap_bytes": None, "sites": []}
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if re.match(rf"^\s*{peak[1]}\s+[\d,]+\s+[\d,]+", line))
    peak_bytes = int(lines[row].split()[2].replace(",", ""))
    sites = []
    for line in lines[row + 2:]:
        if line.startswith("---") or re.match(r"^\s*\d+\s+[\d,]+\s+[\d,]+", line):
            break
        match = MASSIF_SITE.match(line)
        if not match:
            continue
        depth = line.index("->") // 2
        name = compact(match[3])
        if depth == 0:
            sites.append({"percent": float(match[1]), "bytes": int(match[2].replace(",", "")), "function": name,
                          "named": name.startswith("rosterd::")})
        elif sites and not sites[-1]["named"] and name.startswith("rosterd::"):
            sites[-1].update(function=name, named=True)
    for site in sites:
        del site["named"]
    return {"peak_heap_bytes": peak_bytes, "sites": sites[:TOP]}


def profile_run(args, paths):
    users = args.profile_size
    tenants = [f"{TENANT[v]}:{v}:{users}" for v in args.vendors]
    result = {"users": users, "page_size": args.page_size, "vendors": {}}
    with Simulator(paths.sim, paths.work, tenants, prerender=args.page_size, name="sim-profile") as sim:
        info = sim.tenants()
        for vendor in args.vendors:
            tenant = info[TENANT[vendor]]
            listing = Listing(vendor=vendor, users=users, url=tenant["base_url"], token=tenant["token"],
                              page_size=args.page_size, churned=max(1, users // 100), ndjson=Path("/dev/null"))
            rosterd = Rosterd(paths.rosterd, None, paths.work)
            vendor_result = {}
            for scenario in ("initial", "nochange", "churn"):
                if scenario == "initial":
                    rosterd.reset(listing)
                if scenario == "churn":
                    sim.churn(TENANT[vendor], listing.churned)
                    sim.prerender(TENANT[vendor], listing.page_size)
                log(f"  callgrind: {vendor} {users} {scenario}")
                vendor_result[scenario] = callgrind(paths, rosterd, scenario, vendor)
            rosterd.reset(listing)
            log(f"  massif: {vendor} {users} initial")
            vendor_result["massif_initial"] = massif(paths, rosterd, vendor)
            rosterd.reset(listing)
            rosterd.db.unlink(missing_ok=True)
            result["vendors"][vendor] = vendor_result
    return result

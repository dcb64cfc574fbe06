"""BENCHMARKS.md from a results file (bench/results/results.json).

Only the part between the markers below is generated; text around it (the analysis)
is kept, so the tables can be regenerated after fixes with `bench/run --render`.
Every figure is a median over the repetitions; a ratio is the median of the ratios
measured side by side within each repetition (the tools run back to back on the same
listing, so load from other work on this machine touches both sides of a ratio).
"""

import statistics
from pathlib import Path

BEGIN = "<!-- bench/run: generated results begin -->"
END = "<!-- bench/run: generated results end -->"
TOOLS = ("rosterd", "baseline", "floor", "parse-floor", "sqlite-utils", "rosterd-pg", "copy-floor")
SCENARIOS = ("initial", "nochange", "churn")
SCENARIO_NAME = {"initial": "initial sync", "nochange": "no-change resync", "churn": "1% churn resync"}
VENDOR_NAME = {"smartflo": "Smartflo (cursor pages of {page})", "class4": "Class4 (numbered pages of {page})"}
MB = 1024 * 1024
TARGET_SIZES = (100_000, 1_000_000)  # the listings the size-bound targets are stated for


class Runs:
    def __init__(self, runs):
        self.groups = {}
        for run in runs:
            key = (run["vendor"], run["users"], run["scenario"], run["tool"])
            self.groups.setdefault(key, []).append(run)

    def get(self, vendor, users, scenario, tool):
        return self.groups.get((vendor, users, scenario, tool), [])

    def median(self, vendor, users, scenario, tool, metric):
        values = [r[metric] for r in self.get(vendor, users, scenario, tool) if r.get(metric) is not None]
        return statistics.median(values) if values else None

    def ratio(self, a, b, metric="wall_s"):
        """Median over repetitions of a[metric] / b[metric]; a and b are (vendor, users, scenario, tool)."""
        left = {r["rep"]: r[metric] for r in self.get(*a)}
        right = {r["rep"]: r[metric] for r in self.get(*b)}
        ratios = [left[rep] / right[rep] for rep in left if rep in right and right[rep]]
        return statistics.median(ratios) if ratios else None

    def failed(self, vendor, users, scenario, tool):
        return [r for r in self.get(vendor, users, scenario, tool) if r["check"] != "ok"]


def fmt(value, digits=2, scale=1.0, suffix=""):
    if value is None:
        return "-"
    return f"{value / scale:,.{digits}f}{suffix}"


def ratio_text(value):
    return "-" if value is None else f"{value:.2f}x"


def meta_section(meta):
    m = meta
    lines = [
        f"Run of {m['date']} on commit `{m['commit']}`, {m['build_type']} build; {m['cpu']} "
        f"({m['cores']} cores), {m['memory_gb']:.0f} GB RAM, Linux {m['kernel']}; load average "
        f"{m['load_before']} before and {m['load_after']} after (the machine is shared).",
        f"Medians of {m['reps']} repetitions; listings served by rosterd-sim from pre-rendered pages of "
        f"{m['page_size']:,} users; SQLite {m['sqlite']}, sqlite-utils {m['sqlite_utils'] or 'not installed'}.",
        "",
    ]
    return lines


def vendor_table(runs: Runs, meta, vendor):
    page = f"{meta['page_size']:,}"
    lines = [f"### {VENDOR_NAME[vendor].format(page=page)}", "",
             "| users | scenario | tool | runs | wall s | CPU s | peak RSS MB | DB MB | written MB | wall vs floor |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for users in meta["sizes"]:
        for scenario in SCENARIOS:
            for tool in TOOLS:
                if not runs.get(vendor, users, scenario, tool):
                    continue
                med = lambda metric: runs.median(vendor, users, scenario, tool, metric)
                written = None
                if med("db_write_bytes") is not None:
                    written = sum(runs.median(vendor, users, scenario, tool, m) or 0
                                  for m in ("db_write_bytes", "wal_write_bytes", "journal_write_bytes"))
                ratio = runs.ratio((vendor, users, scenario, tool), (vendor, users, scenario, "floor"))
                failed = " (check failed)" if runs.failed(vendor, users, scenario, tool) else ""
                lines.append(
                    f"| {users:,} | {SCENARIO_NAME[scenario]} | {tool}{failed} | "
                    f"{len(runs.get(vendor, users, scenario, tool))} | {fmt(med('wall_s'))} | "
                    f"{fmt(med('cpu_s'))} | {fmt(med('max_rss_kb'), 1, 1024)} | {fmt(med('db_size_bytes'), 1, MB)} | "
                    f"{fmt(written, 2, MB)} | {ratio_text(ratio) if tool != 'floor' else ''} |")
    lines.append("")
    return lines


def verdict(value, limit, lower_is_better=True):
    if value is None:
        return "not measured", ""
    met = value <= limit if lower_is_better else value >= limit
    if met:
        return "met", ""
    miss = value / limit if lower_is_better else limit / value
    return "missed", f"{miss:.1f}x off"


def targets(runs: Runs, meta, scale, hanging=None):
    lines = ["## Targets", "",
             "| target | vendor | measured | limit | verdict | by how much |", "|---|---|---:|---:|---|---|"]
    sizes = meta["sizes"] or [0]
    big = 1_000_000 if 1_000_000 in sizes else max(sizes)
    mid = 100_000 if 100_000 in sizes else max(sizes)

    def row(name, vendor, value, limit, text, unit="x", lower=True):
        state, miss = verdict(value, limit, lower)
        bound = ("at most " if lower else "at least ") + f"{limit:g}{unit}"
        lines.append(f"| {name} | {vendor} | {text} | {bound} | {state} | {miss} |")

    for vendor in meta["vendors"] if meta["sizes"] else []:
        # Targets at a fixed size: not measured when that size (or a tool in it) did not run.
        for users in TARGET_SIZES:
            r = runs.ratio((vendor, users, "initial", "rosterd"), (vendor, users, "initial", "floor"))
            row(f"initial sync of {users:,}: time vs the floor", vendor, r, 2.0, ratio_text(r))
        for users in TARGET_SIZES:
            r = runs.ratio((vendor, users, "initial", "rosterd"), (vendor, users, "initial", "floor"), "db_size_bytes")
            row(f"database size after the initial sync of {users:,} / the floor's", vendor, r, 2.0, ratio_text(r))
        for users in TARGET_SIZES:
            r = runs.ratio((vendor, users, "nochange", "rosterd"), (vendor, users, "nochange", "parse-floor"))
            row(f"no-change resync of {users:,}: time vs fetch and parse only", vendor, r, 1.2, ratio_text(r))
        small, large = (runs.median(vendor, users, "nochange", "rosterd", "wall_s") for users in TARGET_SIZES)
        r = large / small if large is not None and small else None
        row(f"no-change cost grows linearly: {TARGET_SIZES[1]:,} run / {TARGET_SIZES[0]:,} run", vendor, r, 11.0,
            ratio_text(r))
        written = sum(runs.median(vendor, big, "nochange", "rosterd", m) or 0
                      for m in ("db_write_bytes", "wal_write_bytes", "journal_write_bytes"))
        row(f"no-change resync of {big:,}: written to DB + WAL", vendor, written / MB, 1.0,
            f"{written / MB:.3f} MB", unit=" MB")
        r = runs.ratio((vendor, big, "churn", "rosterd"), (vendor, big, "nochange", "rosterd"))
        row(f"1% churn resync of {big:,}: time vs the no-change resync", vendor, r, 1.3, ratio_text(r))
        rss = max((runs.median(vendor, big, s, "rosterd", "max_rss_kb") or 0) for s in SCENARIOS) / 1024
        row(f"peak RSS syncing {big:,}", vendor, rss, 100.0, f"{rss:,.0f} MB", unit=" MB")
        if runs.get(vendor, mid, "initial", "sqlite-utils"):
            r = runs.ratio((vendor, mid, "initial", "sqlite-utils"), (vendor, mid, "initial", "rosterd"))
            row(f"throughput vs `sqlite-utils upsert`, {mid:,} (its time / rosterd's)", vendor, r, 10.0,
                ratio_text(r), lower=False)
    if scale:
        holds = "holds" if scale["holds_interval"] else "does not hold"
        lines.append(f"| scale run holds its interval | all | {holds} (max gap {scale['max_gap_s']:.1f} s) | "
                     f"{scale['gap_limit_s']:.1f} s | {'met' if scale['holds_interval'] else 'missed'} | |")
    if hanging:
        holds = "holds" if hanging["holds_interval"] else "does not hold"
        lines.append(f"| with {hanging['hanging_sources']:,} sources hanging, the others hold their interval | all | "
                     f"{holds} (max gap {hanging['max_gap_s']:.1f} s) | {hanging['gap_limit_s']:.1f} s | "
                     f"{'met' if hanging['holds_interval'] else 'missed'} | |")
    if scale:
        row("scale run CPU, share of one core", "all", 100 * scale["cpu_share"], 50.0,
            f"{100 * scale['cpu_share']:.1f}%", unit="%")
    lines.append("")
    return lines


def postgresql_section(runs: Runs, meta):
    """rosterd into PostgreSQL against the COPY floor (initial) and the parse floor (no-change)."""
    if not any(runs.get(v, u, "initial", "rosterd-pg") for v in meta["vendors"] for u in meta["sizes"]):
        return []
    lines = ["## PostgreSQL", "",
             "rosterd syncing into PostgreSQL 15 on this machine (a server of the benchmark's own: Unix socket, "
             "fsync and synchronous commit on), side by side with the COPY floor (the floor's fetch and parse, its "
             "rows loaded with `COPY` into one emptied table of the same server, in one transaction) and the parse "
             "floor. Wall time includes the server's work; `server CPU s` is the server processes' CPU during the "
             "run, which rosterd's own CPU does not count.", "",
             "| vendor | users | scenario | tool | wall s | CPU s | server CPU s | peak RSS MB | DB MB | ratio |",
             "|---|---:|---|---|---:|---:|---:|---:|---:|---|"]
    for vendor in meta["vendors"]:
        for users in meta["sizes"]:
            for scenario, tool, against in (("initial", "copy-floor", None), ("initial", "rosterd-pg", "copy-floor"),
                                            ("nochange", "rosterd-pg", "parse-floor"),
                                            ("churn", "rosterd-pg", None)):
                if not runs.get(vendor, users, scenario, tool):
                    continue
                med = lambda metric: runs.median(vendor, users, scenario, tool, metric)
                ratio = ""
                if against:
                    ratio = ratio_text(runs.ratio((vendor, users, scenario, tool), (vendor, users, scenario, against)))
                    ratio += f" of the {against}"
                elif scenario == "churn":
                    ratio = ratio_text(runs.ratio((vendor, users, "churn", tool), (vendor, users, "nochange", tool)))
                    ratio += " of its no-change"
                failed = " (check failed)" if runs.failed(vendor, users, scenario, tool) else ""
                lines.append(f"| {vendor} | {users:,} | {SCENARIO_NAME[scenario]} | {tool}{failed} | "
                             f"{fmt(med('wall_s'))} | {fmt(med('cpu_s'))} | {fmt(med('server_cpu_s'))} | "
                             f"{fmt(med('max_rss_kb'), 1, 1024)} | {fmt(med('db_size_bytes'), 1, MB)} | {ratio} |")
    lines += ["", "| target | vendor | measured | limit | verdict | by how much |", "|---|---|---:|---:|---|---|"]

    def row(name, vendor, value, limit, text, unit="x"):
        state, miss = verdict(value, limit)
        lines.append(f"| {name} | {vendor} | {text} | at most {limit:g}{unit} | {state} | {miss} |")

    for vendor in meta["vendors"]:
        for users in TARGET_SIZES:
            r = runs.ratio((vendor, users, "initial", "rosterd-pg"), (vendor, users, "initial", "copy-floor"))
            row(f"PostgreSQL initial sync of {users:,}: time vs the COPY floor", vendor, r, 2.5, ratio_text(r))
        for users in TARGET_SIZES:
            r = runs.ratio((vendor, users, "nochange", "rosterd-pg"), (vendor, users, "nochange", "parse-floor"))
            row(f"PostgreSQL no-change resync of {users:,}: time vs fetch and parse only", vendor, r, 1.2,
                ratio_text(r))
        big = max(meta["sizes"])
        rss = max((runs.median(vendor, big, s, "rosterd-pg", "max_rss_kb") or 0) for s in SCENARIOS) / 1024
        row(f"PostgreSQL peak RSS syncing {big:,}", vendor, rss, 100.0, f"{rss:,.0f} MB", unit=" MB")
    lines.append("")
    return lines


def scale_shared_section(shared):
    if not shared:
        return []
    shares = ", ".join(f"{100 * s:.1f}%" for s in shared["cpu_shares"])
    holds = "holds" if shared["holds_interval"] else "does not hold"
    limit = 20.0
    cpu_state, cpu_miss = verdict(100 * shared["cpu_share_max"], limit)
    return [
        "## Scale run on PostgreSQL, several instances", "",
        f"{shared['instances']} `rosterd run` instances with one configuration and one PostgreSQL database share "
        f"{shared['sources']:,} sources of {shared['users_per_source']} users ({shared['latency_ms']} ms per answer), "
        f"interval {shared['interval_s']} s, concurrency {shared['concurrency']} each; measured over "
        f"{shared['window_s']:.0f} s after a warm-up interval.", "",
        "| measure | value |", "|---|---|",
        f"| CPU per instance, share of one core | {shares} |",
        f"| runs per instance (all intervals) | {', '.join(str(r) for r in shared['runs_per_instance'])} |",
        f"| runs started in the window | {shared['runs_in_window']:,} |",
        f"| every source every interval | {holds}: max gap {shared['max_gap_s']:.1f} s, limit "
        f"{shared['gap_limit_s']:.1f} s, {shared['late_gaps']} late |",
        f"| peak runs in progress | {shared['running_max']} |",
        f"| peak RSS per instance | {', '.join(f'{kb / 1024:.0f} MB' for kb in shared['hwm_kb'])} |", "",
        "| target | measured | limit | verdict | by how much |", "|---|---:|---:|---|---|",
        f"| CPU per instance | {100 * shared['cpu_share_max']:.1f}% (the busiest) | at most {limit:g}% | {cpu_state} | "
        f"{cpu_miss} |",
        f"| every source every interval | {holds} | gap {shared['gap_limit_s']:.1f} s | "
        f"{'met' if shared['holds_interval'] else 'missed'} | |", ""]


def baseline_table(runs: Runs, meta):
    """This build against --baseline-build, when it ran: medians of the within-repetition ratios."""
    if not meta.get("baseline"):
        return []
    lines = ["### This build against the baseline", "",
             f"Baseline: `{meta['baseline']}` ({meta.get('baseline_version') or 'version unknown'}), run back to "
             "back with this build in every repetition. Below 1.00x this build is faster or smaller.", "",
             "| vendor | users | scenario | wall this / baseline | CPU | peak RSS | DB size |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for vendor in meta["vendors"]:
        for users in meta["sizes"]:
            for scenario in SCENARIOS:
                pair = ((vendor, users, scenario, "rosterd"), (vendor, users, scenario, "baseline"))
                cells = [ratio_text(runs.ratio(*pair, metric)) for metric in
                         ("wall_s", "cpu_s", "max_rss_kb", "db_size_bytes")]
                lines.append(f"| {vendor} | {users:,} | {SCENARIO_NAME[scenario]} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def ratios_table(runs: Runs, meta):
    lines = ["| vendor | users | rosterd / floor: initial | no-change | churn | no-change vs parse-only | "
             "rosterd churn / no-change | sqlite-utils / rosterd: initial | no-change | churn |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for vendor in meta["vendors"]:
        for users in meta["sizes"]:
            vs_floor = [runs.ratio((vendor, users, s, "rosterd"), (vendor, users, s, "floor")) for s in SCENARIOS]
            vs_parse = runs.ratio((vendor, users, "nochange", "rosterd"), (vendor, users, "nochange", "parse-floor"))
            churn = runs.ratio((vendor, users, "churn", "rosterd"), (vendor, users, "nochange", "rosterd"))
            su = [runs.ratio((vendor, users, s, "sqlite-utils"), (vendor, users, s, "rosterd")) for s in SCENARIOS]
            cells = [ratio_text(v) for v in vs_floor + [vs_parse, churn] + su]
            lines.append(f"| {vendor} | {users:,} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


MEMORY_SCENARIO_NAME = {"small": "a listing of 5 users", "endless": "a chunked body that never ends",
                        "near-cap": "a valid body 1 MiB under the cap"}


def body_memory_section(memory):
    if not memory:
        return ["## Response memory", "", "Not run (`--skip-body-memory`).", ""]
    cap, bound = memory["cap_bytes"], memory["cap_bytes"] + memory["allowance_bytes"]
    runs = memory["runs"]
    has_baseline = any(r["tool"] == "baseline" for r in runs)

    def median_rss(scenario, tool):
        values = [r["max_rss_kb"] for r in runs if r["scenario"] == scenario and r["tool"] == tool]
        return statistics.median(values) if values else None

    def ratio(scenario):
        by_rep = {}
        for r in runs:
            if r["scenario"] == scenario:
                by_rep.setdefault(r["rep"], {})[r["tool"]] = r["max_rss_kb"]
        ratios = [v["rosterd"] / v["baseline"] for v in by_rep.values() if v.get("baseline") and "rosterd" in v]
        return statistics.median(ratios) if ratios else None

    lines = ["## Response memory", "",
             f"Peak RSS (wait4's ru_maxrss) of `rosterd sync`, one Class4 source, the default `max_response_bytes` "
             f"of {cap / MB:.0f} MiB; the bound is the cap + {memory['allowance_bytes'] / MB:.0f} MiB."
             + (f" Baseline: `{memory['baseline']}`, run back to back with this build in each repetition." if
                has_baseline else ""), "",
             "| response | this build MB | " + ("baseline MB | this / baseline | " if has_baseline else "")
             + "bound MB | verdict |",
             "|---|---:|" + ("---:|---:|" if has_baseline else "") + "---:|---|"]
    for scenario in memory["scenarios"]:
        rss = median_rss(scenario, "rosterd")
        failed = any(r["check"] != "ok" for r in runs if r["scenario"] == scenario)
        state = "check failed" if failed else verdict(None if rss is None else rss * 1024, bound)[0]
        cells = [MEMORY_SCENARIO_NAME.get(scenario, scenario), fmt(rss, 1, 1024)]
        if has_baseline:
            cells += [fmt(median_rss(scenario, "baseline"), 1, 1024), ratio_text(ratio(scenario))]
        cells += [fmt(bound, 1, MB), state]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def scale_section(scale, title="## Scale run"):
    if not scale:
        return [title, "", "Not run (`--skip-scale`).", ""]
    s = scale
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(s["statuses_in_window"].items()))
    hanging = s.get("hanging_sources", 0)
    healthy = f"the {s['sources'] - hanging:,} healthy sources: " if hanging else ""
    lines = [
        title, "",
        f"`rosterd run` with {s['sources']:,} sources ({s['users_per_source']} users each; CrocoDial, Worksection, "
        f"Smartflo and Class4 in turn, the `users` dataset), every simulator answer delayed {s['latency_ms']} ms, "
        f"`interval: {s['interval_s']}s`, `concurrency: {s['concurrency']}`; measured over {s['window_s']:.0f} s "
        f"after a warm-up interval." + (
            f" {hanging:,} of the sources (whole groups of four, every vendor alike) hang: each request is answered "
            f"only after the whole `timeout: {s['timeout_s']}s`, so rosterd gives up on it first (the low-speed "
            f"limit cuts a silent transfer at half the timeout) and retries (`retries: {s['retries']}`). The "
            f"schedule rows are those of the healthy sources." if hanging else ""), "",
        "| measure | value |", "|---|---:|",
        f"| rosterd CPU, share of one core (after warm-up) | {100 * s['cpu_share']:.1f}% |",
        f"| rosterd CPU, share of one core (whole run, initial syncs included) | {100 * s['cpu_share_with_warmup']:.1f}% |",
        f"| rosterd RSS, max after warm-up / at the end / peak (VmHWM) | {s['rss_max_kb'] / 1024:.1f} / "
        f"{s['rss_last_kb'] / 1024:.1f} / {s['hwm_kb'] / 1024:.1f} MB |",
        f"| {healthy}runs started in the window | {s['runs_in_window']:,} ({statuses}) |",
        f"| {healthy}sources that ran / never ran | {s['sources_run']:,} / {s['sources_never_run']} |",
        f"| {healthy}fewest runs of one source in the window | {s['min_runs_per_source']} |",
        f"| {healthy}longest gap between two starts of a source (p99) | {s['max_gap_s']:.1f} s "
        f"({s['p99_gap_s']:.1f} s) |",
        f"| {healthy}gaps longer than 1.1 intervals + {s['gap_limit_s'] - 1.1 * s['interval_s']:.0f} s | "
        f"{s['late_gaps']} |",
    ]
    if hanging:
        h = s["hanging"]
        hanging_statuses = ", ".join(f"{count} {status}" for status, count in sorted(h["statuses_in_window"].items()))
        lines.append(f"| the {hanging:,} hanging sources: runs started in the window | {h['runs_in_window']:,}"
                     + (f" ({hanging_statuses})" if hanging_statuses else "") + " |")
    if "threads_max" in s:
        lines.append(f"| runs in progress / rosterd threads / open file descriptors, max after warm-up | "
                     f"{s['running_max']:,} / {s['threads_max']:,} / {s['fds_max']:,} |")
    if s.get("stop_s") is not None:
        lines.append(f"| from SIGTERM to exit (every run in progress interrupted) | {s['stop_s']:.2f} s |")
    lines += [f"| simulator CPU, share of one core | {100 * s['sim_cpu_share']:.1f}% |", ""]
    return lines


def profile_section(profile):
    if not profile:
        return ["## Profile", "", "Not run (`--skip-profile`).", ""]
    lines = ["## Profile", "",
             f"`rosterd sync` under valgrind, {profile['users']:,} users in pages of {profile['page_size']:,}. "
             "callgrind counts instructions: *inclusive* is a rosterd function with everything it calls (the "
             "entry chain `cli::main` > `sync_command` > `Runner::run` left out), *self* is any function alone. "
             "massif shows the heap at its peak by allocation site, named by the first rosterd function up the "
             "call chain. Instruction counts do not see waiting (fsync, the network); the tables above do.", ""]
    for vendor, result in profile["vendors"].items():
        for scenario in SCENARIOS:
            p = result[scenario]
            lines += [f"#### {vendor}, {SCENARIO_NAME[scenario]}: {p['instructions']:,} instructions", "",
                      "| inclusive | function | | self | function |", "|---:|---|---|---:|---|"]
            for inc, own in zip(p["inclusive"], p["self"]):
                lines.append(f"| {inc['percent']:.1f}% | `{inc['function']}` | | {own['percent']:.1f}% | "
                             f"`{own['function']}` |")
            libraries = ", ".join(f"`{name}` {percent:.1f}%" for name, percent in p.get("libraries", {}).items())
            lines += ["", f"Inclusive, in libraries: {libraries}." if libraries else "", ""]
        m = result["massif_initial"]
        peak = "-" if m["peak_heap_bytes"] is None else f"{m['peak_heap_bytes'] / MB:.1f} MB"
        lines += [f"#### {vendor}, initial sync: heap peak {peak}", "", "| share | MB | allocated in |",
                  "|---:|---:|---|"]
        for site in m["sites"]:
            lines.append(f"| {site['percent']:.1f}% | {site['bytes'] / MB:.1f} | `{site['function']}` |")
        lines.append("")
    return lines


def rest_parse_section(results):
    """The rest source's parser beside the native Smartflo parser (bench/parse/main.cpp)."""
    measured = results.get("rest_parse") or []
    if not measured:
        return []
    lines = ["## The rest parser beside the native Smartflo parser", "",
             "The same Smartflo pages, fetched once, parsed and mapped in memory by the native parser and through "
             "`config/definitions/smartflo.yaml` (no stored digests: every record mapped). Median CPU seconds of "
             "the repetitions, alternating which goes first. Target: the rest parser within 1.2x.", "",
             "| users | native | rest | rest / native | target |", "|---:|---:|---:|---:|---|"]
    for m in measured:
        native, rest = statistics.median(m["native_s"]), statistics.median(m["rest_s"])
        lines.append(f"| {m['users']:,} | {native:.3f} s | {rest:.3f} s | {rest / native:.2f}x | "
                     f"{' '.join(verdict(rest / native, 1.2)).strip()} |")
    return lines + [""]


def generated(results):
    meta, runs = results["meta"], Runs(results["runs"])
    lines = [BEGIN, "", "## Results", ""] + meta_section(meta)
    lines += targets(runs, meta, results.get("scale"), results.get("scale_hanging"))
    lines += ["## Side by side", ""] + ratios_table(runs, meta) + baseline_table(runs, meta)
    for vendor in meta["vendors"]:
        lines += vendor_table(runs, meta, vendor)
    lines += rest_parse_section(results)
    lines += postgresql_section(runs, meta)
    lines += scale_shared_section(results.get("scale_shared"))
    lines += body_memory_section(results.get("body_memory"))
    lines += scale_section(results.get("scale"))
    if results.get("scale_hanging"):
        lines += scale_section(results["scale_hanging"], "## Scale run with hanging sources")
    lines += profile_section(results.get("profile"))
    lines.append(END)
    return "\n".join(lines) + "\n"


def render(results, target: Path):
    block = generated(results)
    if target.exists():
        text = target.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            target.write_text(head + block.rstrip("\n") + tail)
            return
    target.write_text("# Benchmarks\n\n" + block)

"""The scale run: `rosterd run` over many simulator sources (the four vendors in turn)
whose every answer takes `latency` ms, with one interval for all. After a warm-up
interval (the first, initial syncs), it samples rosterd's CPU time, RSS, threads, open
file descriptors and the runs in progress from /proc and sync_runs once a second, then
stops rosterd with SIGTERM and reads sync_runs: every source must have started a run at
least once per interval (the scheduler jitters intervals by up to +-10%, so a gap
between two starts of one source may reach 1.1 intervals).

The hanging variant makes a share of the sources (whole groups of four, so every vendor
alike) hang: every request of theirs is answered only after the source's whole `timeout`,
so rosterd's transfer gives up first (the low-speed limit, half the `timeout`) and retries
as configured; their runs fail. The schedule check then covers the healthy sources only: they must keep their
interval however many runs wait on hanging vendors.
"""

import math
import os
import signal
import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from .measure import process_cpu_seconds, process_rss_kb, remove_database
from .sim import Simulator

VENDORS = ("crocodial", "worksection", "smartflo", "class4")
GAP_TOLERANCE_S = 1.0  # scheduling and timestamp granularity beyond the 10% jitter


def log(message):
    print(message, flush=True)


def iso_utc(unix_seconds):
    return datetime.fromtimestamp(unix_seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def write_config(path: Path, db: Path, tenants, args):
    lines = [f"database: {db}", "log_level: warn", f"concurrency: {args.scale_concurrency}", "defaults:",
             f"  interval: {args.scale_interval}s", f"  timeout: {args.scale_timeout}s", f"  retries: {args.scale_retries}",
             "  datasets: [users]", "sources:"]
    path.write_text("\n".join(lines) + "\n" + "".join(t["source_yaml"] for t in tenants))
    path.chmod(0o600)  # it holds the simulator's credentials


def hanging_sources(count, fraction):
    """Indexes of the sources that hang: `fraction` of the groups of four consecutive sources
    (one of each vendor), spread evenly."""
    return {i for i in range(count) if math.ceil((i // 4 + 1) * fraction) > math.ceil((i // 4) * fraction)}


def analyse_runs(db: Path, window_start, window_end, interval, sources):
    """Gaps between starts of `sources` (names), and the statuses of their runs in the window."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT source, started_at, status, error FROM sync_runs WHERE dataset = 'users' ORDER BY source, id"
        ).fetchall()
    return analyse_rows(rows, window_start, window_end, interval, sources)


def analyse_rows(rows, window_start, window_end, interval, sources):
    """analyse_runs() of (source, started_at, status, error) rows in run order."""
    starts, statuses = {}, {}
    for source, started_at, status, error in rows:
        if source not in sources:
            continue
        starts.setdefault(source, []).append(parse_iso(started_at))
        if parse_iso(started_at) >= window_start:
            # The runs in progress when the measurement ends are stopped by it, and say so.
            status = "interrupted by the stop" if status == "failed" and "interrupted" in (error or "") else status
            statuses[status] = statuses.get(status, 0) + 1
    limit = interval * 1.1 + GAP_TOLERANCE_S
    gaps, late, runs_in_window = [], 0, []
    for source_starts in starts.values():
        # Gaps ending inside the window, plus the open one from the last start to the window's end.
        points = [s for s in source_starts if s < window_end]
        source_gaps = [b - a for a, b in zip(points, points[1:]) if b >= window_start]
        if points:
            source_gaps.append(window_end - points[-1])
        gaps += source_gaps
        late += sum(1 for g in source_gaps if g > limit)
        runs_in_window.append(sum(1 for s in points if s >= window_start))
    gaps.sort()
    return {
        "sources_run": len(starts),
        "sources_never_run": len(sources) - len(starts),
        "runs_in_window": sum(runs_in_window),
        "statuses_in_window": statuses,
        "min_runs_per_source": min(runs_in_window) if runs_in_window else 0,
        "max_gap_s": gaps[-1] if gaps else None,
        "p99_gap_s": gaps[int(0.99 * (len(gaps) - 1))] if gaps else None,
        "gap_limit_s": limit,
        "late_gaps": late,
        "holds_interval": bool(gaps) and late == 0 and len(starts) == len(sources),
    }


def runs_in_progress(db: Path):
    """Runs rosterd has begun and not finished (None before the schema exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM sync_runs WHERE status = 'running'").fetchone()[0]
    except sqlite3.Error:
        return None


def process_threads_fds(pid):
    threads = next((int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("Threads:")), 0)
    return threads, len(os.listdir(f"/proc/{pid}/fd"))


def sample(pid, samples, started, db):
    """One sample of the process `pid`; the runs in progress are read from `db` (a SQLite
    file), or from `db()` when it is a function (another engine)."""
    cpu = process_cpu_seconds(pid)
    rss, hwm = process_rss_kb(pid)
    threads, fds = process_threads_fds(pid)
    samples.append({"t": time.monotonic() - started, "cpu_s": cpu, "rss_kb": rss, "hwm_kb": hwm, "threads": threads,
                    "fds": fds, "running": db() if callable(db) else runs_in_progress(db)})


def scale_run(args, paths, hanging_fraction=0.0):
    n, interval = args.scale_sources, args.scale_interval
    names = [f"s{i:04d}" for i in range(n)]
    tenants = [f"{names[i]}:{VENDORS[i % len(VENDORS)]}:{args.scale_users}:{i + 1}" for i in range(n)]
    hanging = {names[i] for i in hanging_sources(n, hanging_fraction)}
    db = paths.work / "scale.db"
    remove_database(db)
    # cpp-httplib holds a thread per open connection, idle keep-alive ones included, and rosterd
    # starts every due run at once: a thread per source, so that the simulator never queues;
    # plus two per hanging source, whose stalled answers outlast rosterd's attempts.
    threads = max(128, 8 * args.scale_concurrency + 64, n + 2 * len(hanging) + 64)
    variant = f", {len(hanging)} of them hanging" if hanging else ""
    log(f"scale run: {n} sources x {args.scale_users} users{variant}, {args.scale_latency_ms} ms latency, "
        f"{interval} s interval, concurrency {args.scale_concurrency}, {args.scale_intervals} intervals after one "
        f"warm-up interval")
    with Simulator(paths.sim, paths.work, tenants, threads=threads, latency_ms=args.scale_latency_ms,
                   name="sim-scale") as sim:
        for name in sorted(hanging):
            # Silence for the whole `timeout`: rosterd gives up first (after half of it, when
            # nothing arrives). Not "until the simulator stops": a stalled answer keeps its
            # simulator thread after the client has gone, and every attempt would take one more.
            sim.request("POST", f"/_sim/tenants/{name}/faults",
                        {"kind": "stall", "endpoint": "any", "delay_ms": args.scale_timeout * 1000})
        config = paths.work / "scale.yaml"
        write_config(config, db, list(sim.tenants().values()), args)
        log_file = open(paths.work / "scale-rosterd.log", "wb")
        started = time.monotonic()
        process = subprocess.Popen([str(paths.rosterd), "run", "--config", str(config)], stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log_file.close()
        samples = []
        try:
            warmup_end = started + interval
            window_end = warmup_end + args.scale_intervals * interval
            sim_cpu_start = None
            while time.monotonic() < window_end and process.poll() is None:
                sample(process.pid, samples, started, db)
                if sim_cpu_start is None and time.monotonic() >= warmup_end:
                    sim_cpu_start = sim.cpu_seconds()
                    window = (time.time(), len(samples) - 1)
                time.sleep(1.0)
            if process.poll() is not None:
                raise RuntimeError(f"rosterd run exited with {process.returncode}; see {paths.work}/scale-rosterd.log")
            sample(process.pid, samples, started, db)
            window_end_unix = time.time()
            sim_cpu = sim.cpu_seconds() - sim_cpu_start
        finally:
            stop_s = None
            if process.poll() is None:
                stopping = time.monotonic()
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
                stop_s = time.monotonic() - stopping
    first, last = samples[window[1]], samples[-1]
    measured = samples[window[1]:]
    result = {
        "sources": n, "hanging_sources": len(hanging), "timeout_s": args.scale_timeout, "retries": args.scale_retries,
        "users_per_source": args.scale_users, "latency_ms": args.scale_latency_ms,
        "interval_s": interval, "concurrency": args.scale_concurrency, "window_s": last["t"] - first["t"],
        "cpu_share": (last["cpu_s"] - first["cpu_s"]) / (last["t"] - first["t"]),
        "cpu_share_with_warmup": last["cpu_s"] / last["t"],
        "rss_max_kb": max(s["rss_kb"] for s in samples[window[1]:]),
        "rss_last_kb": last["rss_kb"], "hwm_kb": last["hwm_kb"],
        "sim_cpu_share": sim_cpu / (last["t"] - first["t"]),
        "exit": process.returncode,
        "db_size_bytes": db.stat().st_size,
        "threads_max": max(s["threads"] for s in measured),
        "fds_max": max(s["fds"] for s in measured),
        "running_max": max((s["running"] or 0) for s in measured),
        "stop_s": stop_s,
    }
    result.update(analyse_runs(db, window[0], window_end_unix, interval, set(names) - hanging))
    if hanging:
        result["hanging"] = analyse_runs(db, window[0], window_end_unix, interval, hanging)
    result["samples"] = samples
    log(f"  CPU {100 * result['cpu_share']:.1f}% of one core, RSS max {result['rss_max_kb'] / 1024:.1f} MB, "
        f"threads max {result['threads_max']}, fds max {result['fds_max']}, runs in progress max "
        f"{result['running_max']}, max gap {result['max_gap_s']:.1f} s (limit {result['gap_limit_s']:.1f} s), "
        f"{result['late_gaps']} late, holds interval: {result['holds_interval']}"
        + (" (healthy sources)" if hanging else ""))
    remove_database(db)
    return result

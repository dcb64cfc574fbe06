"""The scale run on PostgreSQL with several `rosterd run` instances sharing the sources
(README, "PostgreSQL"): the same simulator sources, interval and latency as the scale run
(scale.py), one database on the benchmark's server, `instances` processes with the same
configuration. Every source must still start a run at least once per interval (whichever
instance runs it), and each instance's CPU is measured on its own."""

import signal
import subprocess
import time

from .scale import VENDORS, analyse_rows, log, process_cpu_seconds, process_rss_kb, write_config
from .sim import Simulator


def scale_shared_run(args, paths, server, instances=3):
    n, interval = args.scale_sources, args.scale_interval
    names = [f"s{i:04d}" for i in range(n)]
    tenants = [f"{names[i]}:{VENDORS[i % len(VENDORS)]}:{args.scale_users}:{i + 1}" for i in range(n)]
    database = "scale_shared"
    server.recreate(database)
    threads = max(128, instances * (8 * args.scale_concurrency + 64), n + 64)
    log(f"scale run on PostgreSQL: {instances} instances, {n} sources x {args.scale_users} users, "
        f"{args.scale_latency_ms} ms latency, {interval} s interval, concurrency {args.scale_concurrency} each, "
        f"{args.scale_intervals} intervals after one warm-up interval")

    def running():
        try:
            return int(server.sql("SELECT count(*) FROM sync_runs WHERE status = 'running'", database))
        except RuntimeError:
            return None  # no schema yet

    with Simulator(paths.sim, paths.work, tenants, threads=threads, latency_ms=args.scale_latency_ms,
                   name="sim-scale-shared") as sim:
        config = paths.work / "scale-shared.yaml"
        write_config(config, f"\"{server.uri(database)}\"", list(sim.tenants().values()), args)
        processes = []
        for i in range(instances):
            with open(paths.work / f"scale-shared-{i}.log", "wb") as log_file:
                processes.append(subprocess.Popen([str(paths.rosterd), "run", "--config", str(config)],
                                                  stdout=log_file, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL))
        started = time.monotonic()
        warmup_end = started + interval
        window_end = warmup_end + args.scale_intervals * interval
        first = None
        peak_running = 0
        try:
            while time.monotonic() < window_end:
                if any(p.poll() is not None for p in processes):
                    raise RuntimeError(f"a rosterd instance exited; see {paths.work}/scale-shared-*.log")
                if first is None and time.monotonic() >= warmup_end:
                    first = (time.time(), time.monotonic(), [process_cpu_seconds(p.pid) for p in processes])
                if first is not None:
                    peak_running = max(peak_running, running() or 0)
                time.sleep(1.0)
            last = (time.time(), time.monotonic(), [process_cpu_seconds(p.pid) for p in processes])
            rss = [process_rss_kb(p.pid)[1] for p in processes]
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                p.wait(timeout=60)
    elapsed = last[1] - first[1]
    shares = [(b - a) / elapsed for a, b in zip(first[2], last[2])]
    rows = server.rows("SELECT source, rosterd_time(started_at), status, error FROM sync_runs "
                       "WHERE dataset = 'users' ORDER BY source, id", database)
    per_instance = server.rows("SELECT pid, count(*) FROM sync_runs WHERE dataset = 'users' GROUP BY pid "
                               "ORDER BY pid", database)
    result = {"instances": instances, "sources": n, "users_per_source": args.scale_users,
              "latency_ms": args.scale_latency_ms, "interval_s": interval, "concurrency": args.scale_concurrency,
              "window_s": elapsed, "cpu_shares": shares, "cpu_share_max": max(shares), "hwm_kb": rss,
              "running_max": peak_running, "runs_per_instance": [int(r[1]) for r in per_instance],
              "db_size_bytes": server.size(database)}
    result.update(analyse_rows(rows, first[0], last[0], interval, set(names)))
    log(f"  CPU per instance {', '.join(f'{100 * s:.1f}%' for s in shares)} of one core, runs per instance "
        f"{result['runs_per_instance']}, max gap {result['max_gap_s']:.1f} s (limit {result['gap_limit_s']:.1f} s), "
        f"{result['late_gaps']} late, holds interval: {result['holds_interval']}")
    return result

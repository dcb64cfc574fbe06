// The run log (sync_runs, dataset_readers) and the published schedule.
#include <unistd.h>

#include <map>
#include <utility>

#include <fmt/format.h>

#include "store/postgresql/database.hpp"
#include "store/postgresql/leases.hpp"

namespace rosterd::store::postgresql {
namespace {

constexpr const char* k_run_columns =
    "id, source, dataset, rosterd_time(started_at), rosterd_time(finished_at), status, error, fetched, added, "
    "updated, removed, restored, unchanged, requests, bytes, filled";

RunRecord read_run(const Result& r, int row) {
  RunRecord run;
  run.id = r.number(row, 0);
  run.source = r.text(row, 1);
  run.dataset = r.text(row, 2);
  run.started_at = r.text(row, 3);
  run.finished_at = r.optional_text(row, 4);
  run.status = parse_run_status(r.view(row, 5)).value_or(RunStatus::failed);
  run.error = r.optional_text(row, 6);
  run.counts = {r.number(row, 7),  r.number(row, 8),  r.number(row, 9),  r.number(row, 10), r.number(row, 11),
                r.number(row, 12), r.number(row, 13), r.number(row, 14), r.number(row, 15)};
  return run;
}

}  // namespace

std::int64_t Database::begin_run(std::string_view source, std::string_view dataset, const std::string& started_at) {
  return guarded([&](Connection& c) {
    return c
        .exec("INSERT INTO sync_runs (source, dataset, started_at, status, pid, instance) "
              "VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id",
              Params().text(source).text(dataset).text(started_at).number(getpid()).text(instance_id()))
        .number(0, 0);
  });
}

void Database::finish_run(std::int64_t run_id, RunStatus status, const std::string& finished_at,
                          const RunCounts& counts, const std::optional<std::string>& error) {
  guarded([&](Connection& c) {
    Params params;
    params.text(to_string(status)).text(finished_at).text(error);
    for (auto value : {counts.fetched, counts.added, counts.updated, counts.removed, counts.restored, counts.unchanged,
                       counts.requests, counts.bytes, counts.filled}) {
      params.number(value);
    }
    params.number(run_id);
    const auto updated = c.exec(
        "UPDATE sync_runs SET status = $1, finished_at = $2, error = $3, fetched = $4, added = $5, updated = $6, "
        "removed = $7, restored = $8, unchanged = $9, requests = $10, bytes = $11, filled = $12 "
        "WHERE id = $13 AND status = 'running' RETURNING source",
        params);
    // A run's outcome commits with its data: only while its claim holds. A run another
    // instance marked abandoned (this one froze past its claim) keeps that outcome.
    if (c.in_transaction() && updated.rows() == 1) note_write(updated.text(0, 0));
  });
}

std::int64_t Database::record_failed_run(std::string_view source, std::string_view dataset,
                                         const std::string& started_at, const std::string& finished_at,
                                         const std::string& error) {
  return guarded([&](Connection& c) {
    return c
        .exec("INSERT INTO sync_runs (source, dataset, started_at, finished_at, status, error, pid, instance) "
              "VALUES ($1, $2, $3, greatest($4::timestamptz, $3::timestamptz), 'failed', $5, $6, $7) RETURNING id",
              Params().text(source).text(dataset).text(started_at).text(finished_at).text(error).number(getpid()).text(
                  instance_id()))
        .number(0, 0);
  });
}

int Database::fail_abandoned_runs(const std::string& now) {
  return guarded([&](Connection& c) {
    const auto updated = c.exec(
        "UPDATE sync_runs AS r SET status = 'failed', finished_at = greatest($1::timestamptz, started_at), error = $2 "
        "WHERE status = 'running' AND instance IS DISTINCT FROM $3 AND NOT " +
            alive_instance_condition("r.instance"),
        Params().text(now).text(k_abandoned_instance_error).text(instance_id()));
    return static_cast<int>(updated.affected());
  });
}

void Database::record_progress(std::int64_t run_id, const RunCounts& counts) {
  guarded([&](Connection& c) {
    c.exec("UPDATE sync_runs SET fetched = $1, requests = $2, bytes = $3 WHERE id = $4 AND status = 'running'",
           Params().number(counts.fetched).number(counts.requests).number(counts.bytes).number(run_id));
  });
}

std::optional<std::string> Database::latest_recorded_time() {
  return guarded([](Connection& c) {
    // Each max() is one step down an index (sync_runs_by_start, sync_runs_by_finish, changes_by_time).
    return c
        .exec("SELECT rosterd_time(greatest((SELECT max(started_at) FROM sync_runs), "
              "(SELECT max(finished_at) FROM sync_runs), (SELECT max(changed_at) FROM changes)))")
        .optional_text(0, 0);
  });
}

std::optional<RunningRun> Database::running_run_of(std::string_view source) {
  return guarded([&](Connection& c) -> std::optional<RunningRun> {
    const auto r = c.exec("SELECT id, dataset, rosterd_time(started_at), coalesce(pid, 0) FROM sync_runs AS r "
                          "WHERE source = $1 AND status = 'running' AND instance IS DISTINCT FROM $2 AND " +
                              alive_instance_condition("r.instance") + " ORDER BY id DESC LIMIT 1",
                          Params().text(source).text(instance_id()));
    if (r.rows() == 0) return std::nullopt;
    return RunningRun{r.number(0, 0), r.text(0, 1), r.text(0, 2), r.number(0, 3)};
  });
}

std::optional<int> Database::load_reader_version(std::string_view source, std::string_view dataset) {
  return guarded([&](Connection& c) -> std::optional<int> {
    const auto r = c.exec("SELECT reader_version FROM dataset_readers WHERE source = $1 AND dataset = $2",
                          Params().text(source).text(dataset));
    if (r.rows() == 0) return std::nullopt;
    return static_cast<int>(r.number(0, 0));
  });
}

void Database::save_reader_version(std::string_view source, std::string_view dataset, int version) {
  guarded([&](Connection& c) {
    c.exec("INSERT INTO dataset_readers (source, dataset, reader_version) VALUES ($1, $2, $3) "
           "ON CONFLICT (source, dataset) DO UPDATE SET reader_version = excluded.reader_version",
           Params().text(source).text(dataset).number(version));
  });
}

std::vector<RunRecord> Database::latest_runs() {
  return guarded([](Connection& c) {
    const auto r = c.exec(fmt::format("SELECT {} FROM sync_runs WHERE id IN (SELECT max(id) FROM sync_runs GROUP BY "
                                      "source, dataset) ORDER BY source COLLATE \"C\", dataset COLLATE \"C\"",
                                      k_run_columns));
    std::vector<RunRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_run(r, i));
    return out;
  });
}

void Database::upsert_schedule(const ScheduleRow& row) {
  guarded([&](Connection& c) {
    c.exec("INSERT INTO schedule (source, dataset, interval_ms, next_due_at, consecutive_failures, pid, updated_at, "
           "instance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (source, dataset) DO UPDATE SET "
           "interval_ms = excluded.interval_ms, next_due_at = excluded.next_due_at, "
           "consecutive_failures = excluded.consecutive_failures, pid = excluded.pid, "
           "updated_at = excluded.updated_at, instance = excluded.instance",
           Params()
               .text(row.source)
               .text(row.dataset)
               .number(row.interval_ms)
               .text(row.next_due_at)
               .number(row.consecutive_failures)
               .number(row.pid)
               .text(row.updated_at)
               .text(instance_id()));
  });
}

std::optional<ScheduleRow> Database::schedule_row(std::string_view source, std::string_view dataset) {
  return guarded([&](Connection& c) -> std::optional<ScheduleRow> {
    const auto r = c.exec(
        "SELECT source, dataset, interval_ms, rosterd_time(next_due_at), consecutive_failures, pid, "
        "rosterd_time(updated_at) FROM schedule WHERE source = $1 AND dataset = $2",
        Params().text(source).text(dataset));
    if (r.rows() == 0) return std::nullopt;
    return ScheduleRow{r.text(0, 0),           r.text(0, 1),   r.number(0, 2), r.optional_text(0, 3),
                       static_cast<int>(r.number(0, 4)), r.number(0, 5), r.text(0, 6)};
  });
}

void Database::replace_schedule(const std::vector<ScheduleRow>& rows) {
  const auto transaction = begin_write();
  guarded([](Connection& c) { c.exec("DELETE FROM schedule"); });
  for (const auto& row : rows) upsert_schedule(row);
  transaction->commit();
}

void Database::keep_schedule_of(const std::vector<std::string>& sources) {
  guarded([&](Connection& c) {
    TextArray keep;
    for (const auto& source : sources) keep.add(source);
    c.exec("DELETE FROM schedule WHERE NOT (source = ANY ($1::text[]))", Params().text(keep.literal()));
  });
}

std::vector<DatasetStatus> Database::dataset_status() {
  return guarded([](Connection& c) {
    std::map<std::pair<std::string, std::string>, DatasetStatus> map;
    const auto entry = [&](const std::string& source, const std::string& dataset) -> DatasetStatus& {
      auto& status = map[{source, dataset}];
      status.source = source;
      status.dataset = dataset;
      return status;
    };
    const auto ended = c.exec(fmt::format("SELECT {} FROM sync_runs WHERE id IN (SELECT max(id) FROM sync_runs "
                                          "WHERE status <> 'running' GROUP BY source, dataset)",
                                          k_run_columns));
    for (int i = 0; i < ended.rows(); ++i) {
      auto run = read_run(ended, i);
      entry(run.source, run.dataset).last_run = std::move(run);
    }
    // 'running' rows: in progress while their instance lives, else abandoned (a crash,
    // kill -9, a frozen or cut-off host), which is the pair's latest ended run when newer.
    const auto running = c.exec(fmt::format("SELECT {}, {} FROM sync_runs AS r WHERE status = 'running' ORDER BY id",
                                            k_run_columns, alive_instance_condition("r.instance")));
    for (int i = 0; i < running.rows(); ++i) {
      auto run = read_run(running, i);
      auto& status = entry(run.source, run.dataset);
      if (running.boolean(i, 16)) {
        status.running_now = true;
        status.running_since = run.started_at;
        status.running_progress = RunCounts{.fetched = run.counts.fetched, .requests = run.counts.requests,
                                            .bytes = run.counts.bytes};
        continue;
      }
      if (status.last_run && status.last_run->id > run.id) continue;
      run.status = RunStatus::failed;
      run.error = k_abandoned_instance_error;
      status.last_run = std::move(run);
    }
    const auto schedule = c.exec(fmt::format(
        "SELECT source, dataset, interval_ms, rosterd_time(next_due_at), consecutive_failures, pid, "
        "rosterd_time(updated_at), {} FROM schedule AS s",
        alive_instance_condition("s.instance")));
    for (int i = 0; i < schedule.rows(); ++i) {
      ScheduleRow row{schedule.text(i, 0),
                      schedule.text(i, 1),
                      schedule.number(i, 2),
                      schedule.optional_text(i, 3),
                      static_cast<int>(schedule.number(i, 4)),
                      schedule.number(i, 5),
                      schedule.text(i, 6)};
      auto& status = entry(row.source, row.dataset);
      status.daemon_alive = schedule.boolean(i, 7);
      if (status.daemon_alive && !row.next_due_at) status.running_now = true;
      status.schedule = std::move(row);
    }
    std::vector<DatasetStatus> out;
    out.reserve(map.size());
    for (auto& [key, status] : map) out.push_back(std::move(status));
    return out;
  });
}

}  // namespace rosterd::store::postgresql

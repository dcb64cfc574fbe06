#include "core/log.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "core/secrets.hpp"

namespace rosterd::core {
namespace {

// Journald reads a "<N>" syslog priority at the start of each stderr line.
int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;
    case spdlog::level::info: return 6;
    case spdlog::level::warn: return 4;
    case spdlog::level::err: return 3;
    case spdlog::level::critical: return 2;
    default: return 6;
  }
}

class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(std::FILE* stream, bool journal) : m_stream(stream), m_journal(journal) {
    set_pattern_(m_journal ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %-5l %v");
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line = secrets().redact(std::string_view(formatted.data(), formatted.size()));
    if (m_journal) line.insert(0, "<" + std::to_string(syslog_priority(msg.level)) + ">");
    std::fwrite(line.data(), 1, line.size(), m_stream);
    std::fflush(m_stream);
  }
  void flush_() override { std::fflush(m_stream); }
  void set_pattern_(const std::string& pattern) override {
    formatter_ = std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc);
  }

 private:
  std::FILE* m_stream;
  bool m_journal;
};

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace: return spdlog::level::trace;
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// The process's logging settings; init_logging() and set_log_stream() change them
// before any thread starts.
struct LogSettings {
  LogFormat format = LogFormat::automatic;
  LogStream stream = LogStream::standard_error;
};
LogSettings& settings() {
  static LogSettings value;
  return value;
}

std::shared_ptr<spdlog::logger> make_logger(const LogSettings& s) {
  const bool to_stderr = s.stream == LogStream::standard_error;
  const bool journal =
      s.format == LogFormat::journal || (s.format == LogFormat::automatic && to_stderr && stderr_is_journal());
  auto sink = std::make_shared<RedactingSink>(to_stderr ? stderr : stdout, journal);
  auto logger = std::make_shared<spdlog::logger>("rosterd", std::move(sink));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

std::shared_ptr<spdlog::logger>& logger_slot() {
  static std::shared_ptr<spdlog::logger> logger = make_logger(settings());
  return logger;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "trace") return LogLevel::trace;
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warn" || text == "warning") return LogLevel::warn;
  if (text == "error") return LogLevel::error;
  return std::nullopt;
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

void init_logging(LogLevel level, LogFormat format) {
  settings().format = format;
  auto logger = make_logger(settings());
  logger->set_level(to_spdlog(level));
  logger_slot() = logger;
}

void set_log_stream(LogStream stream) {
  settings().stream = stream;
  auto logger = make_logger(settings());
  logger->set_level(logger_slot()->level());
  logger_slot() = logger;
}

void set_log_level(LogLevel level) { logger_slot()->set_level(to_spdlog(level)); }

spdlog::logger& log() { return *logger_slot(); }

}  // namespace rosterd::core

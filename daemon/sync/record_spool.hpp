#pragma once
// Where a run keeps the records that changed until it writes them. The first
// records stay in memory; past k_memory_records the rest go to an unnamed
// temporary file (O_TMPFILE beside the database: gone with the process, even
// after kill -9), so that an initial sync of a million users does not hold a
// million records in memory.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/record_codec.hpp"

namespace rosterd::sync {

// Framed records in a temporary file: append, then read back once.
class SpoolFile {
 public:
  // In `directory` if possible, else in the system's temporary directory.
  explicit SpoolFile(const std::string& directory);
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  void append(std::string_view record);
  // Calls f(std::string_view record) for each record in order.
  template <class F>
  void for_each(F&& f);

 private:
  void flush();
  void rewind();
  std::size_t read_some(char* into, std::size_t capacity);

  int m_fd = -1;
  std::string m_buffer;
};

template <class Record>
class RecordSpool {
 public:
  static constexpr std::size_t k_memory_records = 4096;

  explicit RecordSpool(std::string directory) : m_directory(std::move(directory)) {}

  // A record with the content hash it is to be stored with.
  void push(Record&& record, std::int64_t hash) {
    ++m_count;
    if (!m_file && m_memory.size() < k_memory_records) {
      m_memory.emplace_back(std::move(record), hash);
      return;
    }
    if (!m_file) m_file = std::make_unique<SpoolFile>(m_directory);
    m_scratch.clear();
    const auto bits = static_cast<std::uint64_t>(hash);
    for (int shift = 0; shift < 64; shift += 8) m_scratch.push_back(static_cast<char>((bits >> shift) & 0xff));
    encode(m_scratch, record);
    m_file->append(m_scratch);
  }

  // f(Record&&, std::int64_t hash) for every record in push order; leaves the spool empty.
  template <class F>
  void drain(F&& f) {
    for (auto& [record, hash] : m_memory) f(std::move(record), hash);
    if (m_file) {
      m_file->for_each([&](std::string_view bytes) {
        if (bytes.size() < 8) throw CodecError("spool record without its hash");
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < 8; ++i) bits |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
        bytes.remove_prefix(8);
        Record record;
        decode(bytes, record);
        if (!bytes.empty()) throw CodecError("spool record has trailing bytes");
        f(std::move(record), static_cast<std::int64_t>(bits));
      });
    }
    clear();
  }

  void clear() {
    m_memory.clear();
    m_file.reset();
    m_count = 0;
  }
  [[nodiscard]] std::size_t size() const { return m_count; }

 private:
  std::string m_directory;
  std::vector<std::pair<Record, std::int64_t>> m_memory;
  std::unique_ptr<SpoolFile> m_file;
  std::string m_scratch;
  std::size_t m_count = 0;
};

template <class F>
void SpoolFile::for_each(F&& f) {
  rewind();
  std::vector<char> chunk(1 << 20);
  std::size_t filled = 0;
  std::size_t start = 0;
  bool end = false;
  while (true) {
    // One whole frame (4-byte length + record) between start and filled?
    if (filled - start >= 4) {
      std::uint32_t length = 0;
      std::memcpy(&length, chunk.data() + start, 4);
      if (filled - start >= 4 + std::size_t{length}) {
        f(std::string_view(chunk.data() + start + 4, length));
        start += 4 + length;
        continue;
      }
      if (4 + std::size_t{length} > chunk.size()) chunk.resize(4 + std::size_t{length});
    }
    if (end) {
      if (start != filled) throw CodecError("spool file ends inside a record");
      return;
    }
    std::memmove(chunk.data(), chunk.data() + start, filled - start);
    filled -= start;
    start = 0;
    const auto got = read_some(chunk.data() + filled, chunk.size() - filled);
    filled += got;
    end = got == 0;
  }
}

}  // namespace rosterd::sync

#pragma once
// Read-only connections for planning runs. Every run in progress holds one, from
// its start to its end: the runner reads the stored state before its fetch and
// after it on one connection. A run that waits on its vendor has its connection's
// page cache released (SlotLease::on_yield), so that a waiting run costs two file
// descriptors (database and WAL; the shared-memory file is one per process) and no
// cache. Up to `keep_idle` connections outlive their runs, for the next ones.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace rosterd::service {

class ReaderPool {
 public:
  ReaderPool(std::string database_path, std::size_t keep_idle);

  // An idle connection, else a new one. Throws store::StoreError.
  std::unique_ptr<store::Database> take();
  // Keeps `reader` for the next run, or closes it when keep_idle are kept already.
  void give_back(std::unique_ptr<store::Database> reader);
  void set_keep_idle(std::size_t keep_idle);

  // Frees what `reader`'s page cache holds (Database::release_memory). Call it on
  // the thread that uses the connection, between two uses.
  static void release_cache(store::Database& reader) noexcept;

 private:
  const std::string m_database_path;
  std::mutex m_mutex;
  std::size_t m_keep_idle;
  std::vector<std::unique_ptr<store::Database>> m_idle;  // guarded by m_mutex
};

}  // namespace rosterd::service

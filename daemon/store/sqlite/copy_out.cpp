#include "store/sqlite/copy_out.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/database_errors.hpp"

namespace rosterd::store::sqlite {

void copy_out(const std::string& path, std::span<const CopiedTable> tables, RowSink& sink) {
  auto connection = Connection::open(path, OpenMode::read_only);
  translate_errors(path, Access::read, [&] {
    if (const int version = connection.schema_version(); version != latest_schema_version()) {
      throw StoreError(fmt::format("{}: the database is at schema version {}, not {}: run `rosterd sync` with it once "
                                   "to upgrade it, then migrate",
                                   path, version, latest_schema_version()));
    }
    auto& db = connection.sql();
    db.exec("BEGIN");  // one snapshot for every table
    for (const auto& table : tables) {
      std::string columns;
      for (const char* column : table.columns) columns += (columns.empty() ? "" : ", ") + std::string(column);
      SQLite::Statement select(db, fmt::format("SELECT {} FROM {}", columns, table.name));
      sink.begin_table(table);
      CopiedRow row(table.columns.size());
      while (select.executeStep()) {
        for (int i = 0; i < select.getColumnCount(); ++i) {
          const auto column = select.getColumn(i);
          auto& value = row[static_cast<std::size_t>(i)];
          if (column.isNull()) {
            value.reset();
          } else {
            value = column.getString();
          }
        }
        sink.row(row);
      }
      sink.end_table();
    }
    db.exec("COMMIT");
  });
}

}  // namespace rosterd::store::sqlite

# Writes OUTPUT: a C++ file defining rosterd::store::sqlite::migrations(), one entry per
# INPUTS file "NNNN_name.sql" in order.
set(body "")
foreach(path ${INPUTS})
  get_filename_component(file ${path} NAME)
  string(REGEX MATCH "^([0-9]+)_" _ ${file})
  math(EXPR number "${CMAKE_MATCH_1}")
  file(READ ${path} sql)
  string(APPEND body "    {${number}, \"${file}\", R\"rosterd_sql(${sql})rosterd_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from schema/*.sql by cmake/EmbedMigrations.cmake. Do not edit.
#include \"store/sqlite/migrations.hpp\"

namespace rosterd::store::sqlite {

std::span<const Migration> migrations() {
  static const Migration list[] = {
${body}  };
  return list;
}

}  // namespace rosterd::store::sqlite
")
configure_file(${OUTPUT}.tmp ${OUTPUT} COPYONLY)

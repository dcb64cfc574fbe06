# Writes OUTPUT: a C++ file defining ${NAMESPACE}::migrations() (declared in HEADER), one
# entry per INPUTS file "NNNN_name.sql" in order.
set(body "")
foreach(path ${INPUTS})
  get_filename_component(file ${path} NAME)
  string(REGEX MATCH "^([0-9]+)_" _ ${file})
  math(EXPR number "${CMAKE_MATCH_1}")
  file(READ ${path} sql)
  string(APPEND body "    {${number}, \"${file}\", R\"rosterd_sql(${sql})rosterd_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from the migrations of schema/ by cmake/EmbedMigrations.cmake. Do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::span<const Migration> migrations() {
  static const Migration list[] = {
${body}  };
  return list;
}

}  // namespace ${NAMESPACE}
")
configure_file(${OUTPUT}.tmp ${OUTPUT} COPYONLY)

# What `cmake --install <build> [--prefix P]` puts where (P defaults to /usr/local):
#   P/bin/rosterd
#   P/lib/systemd/system/rosterd.service    ExecStart names P/bin/rosterd (the configure-time prefix)
#   P/lib/sysusers.d/rosterd.conf           the rosterd user and group
#   P/lib/tmpfiles.d/rosterd.conf           /etc/rosterd/credentials, which the unit loads
#   P/share/rosterd/definitions/*.yaml      the shipped rest definitions (config/definitions/)
#   P/share/doc/rosterd/                    the documents, laid out as in the source tree so that
#                                           their links work: README.md, BENCHMARKS.md, ARCHITECTURE.md,
#                                           docs/schema.md, docs/reliability.md, docs/vendor-facts.md,
#                                           config/rosterd.example.yaml,
#                                           sim/README.md (the simulator `rosterd demo` runs) and
#                                           schema/*.sql (the migrations docs/schema.md cites)
# Nothing is installed into /etc: the configuration is the operator's (README, "Running as a
# service"). systemd searches /usr/local/lib/{systemd/system,sysusers.d,tmpfiles.d} as well as
# /usr/lib/..., so the default prefix needs no extra set-up. The unit directories are not
# GNUInstallDirs' LIBDIR, which is lib/<multiarch> for /usr on Debian.
include(${PROJECT_SOURCE_DIR}/systemd/render_unit.cmake)

set(ROSTERD_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
  "Where rosterd.service is installed (relative to the prefix, or absolute)")
set(ROSTERD_SYSUSERS_DIR "lib/sysusers.d" CACHE STRING
  "Where the sysusers.d file is installed (relative to the prefix, or absolute)")
set(ROSTERD_TMPFILES_DIR "lib/tmpfiles.d" CACHE STRING
  "Where the tmpfiles.d file is installed (relative to the prefix, or absolute)")

# tests/systemd checks this rendering (systemd-analyze security and verify).
foreach(dir SYSUSERS TMPFILES)
  set(full ${ROSTERD_${dir}_DIR})
  if(NOT IS_ABSOLUTE "${full}")
    set(full "${CMAKE_INSTALL_PREFIX}/${full}")
  endif()
  set(ROSTERD_FULL_${dir}_DIR "${full}")
endforeach()
rosterd_render_unit(${PROJECT_BINARY_DIR}/systemd/rosterd.service ${CMAKE_INSTALL_PREFIX}
  ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_DOCDIR} ${ROSTERD_FULL_SYSUSERS_DIR} ${ROSTERD_FULL_TMPFILES_DIR})

install(TARGETS rosterd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_BINARY_DIR}/systemd/rosterd.service DESTINATION ${ROSTERD_SYSTEMD_UNIT_DIR})
install(FILES systemd/rosterd.sysusers DESTINATION ${ROSTERD_SYSUSERS_DIR} RENAME rosterd.conf)
install(FILES systemd/rosterd.tmpfiles DESTINATION ${ROSTERD_TMPFILES_DIR} RENAME rosterd.conf)
install(FILES README.md BENCHMARKS.md ARCHITECTURE.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/schema.md docs/reliability.md docs/vendor-facts.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES config/rosterd.example.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR}/config)
# The shipped rest definitions, for a source's `definition:`.
install(DIRECTORY config/definitions/ DESTINATION ${CMAKE_INSTALL_DATADIR}/rosterd/definitions FILES_MATCHING PATTERN "*.yaml")
install(FILES sim/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/sim)
install(DIRECTORY schema/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/schema FILES_MATCHING PATTERN "*.sql")

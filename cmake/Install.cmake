# What `cmake --install <build> [--prefix P]` puts where (P defaults to /usr/local):
#   P/bin/rosterd
#   P/lib/systemd/system/rosterd.service    ExecStart names P/bin/rosterd (the configure-time prefix)
#   P/lib/sysusers.d/rosterd.conf           the rosterd user and group
#   P/lib/tmpfiles.d/rosterd.conf           /etc/rosterd/credentials, which the unit loads
#   P/share/doc/rosterd/                    README.md and rosterd.example.yaml
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

# tests/service checks this rendering (systemd-analyze security and verify).
rosterd_render_unit(${PROJECT_BINARY_DIR}/systemd/rosterd.service
  ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_DOCDIR})

install(TARGETS rosterd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_BINARY_DIR}/systemd/rosterd.service DESTINATION ${ROSTERD_SYSTEMD_UNIT_DIR})
install(FILES systemd/rosterd.sysusers DESTINATION ${ROSTERD_SYSUSERS_DIR} RENAME rosterd.conf)
install(FILES systemd/rosterd.tmpfiles DESTINATION ${ROSTERD_TMPFILES_DIR} RENAME rosterd.conf)
install(FILES README.md config/rosterd.example.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR})

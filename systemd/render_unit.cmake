# rosterd_render_unit(<out> <prefix> <bindir> <docdir> <sysusersdir> <tmpfilesdir>):
# rosterd.service from rosterd.service.in, with the absolute install directories it names. cmake/Install.cmake renders the installed unit
# with it; run as a script it renders for a prefix, which is how the checked-in
# systemd/rosterd.service (the rendering for /usr/local) is made and checked:
#   cmake -DPREFIX=/usr/local -DOUT=systemd/rosterd.service -P systemd/render_unit.cmake
set(_rosterd_unit_template "${CMAKE_CURRENT_LIST_DIR}/rosterd.service.in")

function(rosterd_render_unit out prefix bindir docdir sysusersdir tmpfilesdir)
  set(ROSTERD_PREFIX "${prefix}")
  set(ROSTERD_BINDIR "${bindir}")
  set(ROSTERD_DOCDIR "${docdir}")
  set(ROSTERD_SYSUSERS_DIR "${sysusersdir}")
  set(ROSTERD_TMPFILES_DIR "${tmpfilesdir}")
  configure_file("${_rosterd_unit_template}" "${out}" @ONLY)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT DEFINED PREFIX OR NOT DEFINED OUT)
    message(FATAL_ERROR "usage: cmake -DPREFIX=<prefix> -DOUT=<file> -P render_unit.cmake")
  endif()
  # The defaults: GNUInstallDirs' bin and share/doc/<project>, cmake/Install.cmake's
  # lib/sysusers.d and lib/tmpfiles.d.
  rosterd_render_unit("${OUT}" "${PREFIX}" "${PREFIX}/bin" "${PREFIX}/share/doc/rosterd" "${PREFIX}/lib/sysusers.d"
    "${PREFIX}/lib/tmpfiles.d")
endif()

# rosterd_render_unit(<out> <prefix> <bindir> <docdir> <sysusersdir> <tmpfilesdir>):
# rosterd.service from rosterd.service.in, with the absolute install directories it names.
# cmake/Install.cmake renders the unit the tests check with it (for the configured prefix),
# and, through rosterd_install_unit below, the installed unit (for the install's prefix);
# run as a script it renders for a prefix, which is how the checked-in
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

# rosterd_install_unit(<prefix> <scratch> <unitdir> <bindir> <docdir> <sysusersdir> <tmpfilesdir>):
# run when installing (install(CODE) in cmake/Install.cmake), with <prefix> that install's
# own (`cmake --install --prefix P`, or cpack's /usr): rosterd.service rendered for it in a
# directory of its own under <scratch> and installed into <unitdir> as any installed file is
# (DESTDIR, the install manifest). Relative directories are under <prefix>.
function(rosterd_install_unit prefix scratch unitdir bindir docdir sysusersdir tmpfilesdir)
  foreach(dir unitdir bindir docdir sysusersdir tmpfilesdir)
    if(NOT IS_ABSOLUTE "${${dir}}")
      set(${dir} "${prefix}/${${dir}}")
    endif()
  endforeach()
  # Installs may run side by side (a test's, cpack's): each renders in a directory of its own.
  string(RANDOM LENGTH 16 token)
  set(rendered "${scratch}/${token}/rosterd.service")
  rosterd_render_unit("${rendered}" "${prefix}" "${bindir}" "${docdir}" "${sysusersdir}" "${tmpfilesdir}")
  file(INSTALL DESTINATION "${unitdir}" TYPE FILE FILES "${rendered}")
  file(REMOVE_RECURSE "${scratch}/${token}")
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)
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

# The Debian package: `cpack -G DEB` in a build directory (README, "Installing the
# package") makes rosterd_<version>_<arch>.deb of what cmake/Install.cmake installs, under
# /usr. Depends comes from the libraries the binary links (dpkg-shlibdeps), plus systemd,
# whose systemd-sysusers and systemd-tmpfiles the postinst runs. The maintainer scripts
# (packaging/debian/) create the user and the credentials directory and never enable nor
# start the service. tests/systemd/deb_package.sh builds, installs and purges it.
set(ROSTERD_PACKAGE_MAINTAINER "rosterd maintainers <rosterd@example.com>" CACHE STRING
  "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rosterd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "user-directory sync daemon with full change history")
set(CPACK_PACKAGE_CONTACT "${ROSTERD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ROSTERD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended description: CPack puts the summary above it and indents each line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "rosterd keeps a database (a local SQLite file, or PostgreSQL shared by several hosts)
in step with the user directories of telephony, dialer and project tools, and of any
JSON user directory a definition describes (SCIM 2.0 and others). Every run fetches a
vendor's complete listing, writes what changed in one transaction with every version
and field change, and logs each difference.

The package installs the binary, the systemd unit (not enabled), the sysusers.d and
tmpfiles.d files, the manual pages, the bash completion and the documentation; the
configuration in /etc/rosterd is the operator's.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS systemd)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)

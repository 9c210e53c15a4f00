# install() rules of everything but the executable (bin/CMakeLists.txt) and
# the Debian package: `cpack -G DEB` in the build directory writes
# tributary_<version>_<arch>.deb. The maintainer scripts in deploy/debian make
# the service user and its directories; the unit in deploy/systemd confines
# the daemon to them.
include(GNUInstallDirs)

# `cpack` and `cmake --install` take what is built instead of building every
# test first: build the executable (or the `deb` target below) before them.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(_deploy "${PROJECT_SOURCE_DIR}/deploy")

# The configuration, the unit and the logrotate file live at fixed places:
# the unit and the daemon's built-in default name them.
install(FILES "${_deploy}/conf/netdata.conf" "${_deploy}/conf/stream.conf"
        DESTINATION "${TRIBUTARY_DEFAULT_CONFIG_DIR}")
install(FILES "${_deploy}/systemd/tributary.service"
        DESTINATION /lib/systemd/system)
install(FILES "${_deploy}/logrotate/tributary" DESTINATION /etc/logrotate.d)
install(FILES "${_deploy}/bash-completion/tributary"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")

# The man page, versioned and gzipped as Debian installs man pages.
configure_file("${_deploy}/man/tributary.1" "${PROJECT_BINARY_DIR}/man/tributary.1" @ONLY)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
execute_process(COMMAND "${GZIP_EXECUTABLE}" -9 -n -c "${PROJECT_BINARY_DIR}/man/tributary.1"
                OUTPUT_FILE "${PROJECT_BINARY_DIR}/man/tributary.1.gz"
                RESULT_VARIABLE _gzip_rc)
if(NOT _gzip_rc EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed: ${_gzip_rc}")
endif()
install(FILES "${PROJECT_BINARY_DIR}/man/tributary.1.gz"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tributary)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "tributary")
set(CPACK_PACKAGE_CONTACT "tributary maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "metrics stream broker, wire-compatible with Netdata streaming")
# CPack puts the summary first and indents these lines.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "tributary receives, stores and forwards metrics streams in the dialect of
Netdata 1.37.1: Netdata agents stream into a tributary parent or proxy, and a
tributary child streams into a Netdata parent. It reads Netdata's own
netdata.conf and stream.conf (here in /etc/tributary).

The package runs it as a hardened systemd service under its own user, on
loopback only until the configuration binds another address.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps reads the installed libraries' shlibs/symbols files: the
# runtime packages of the build dependencies, offline.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_deploy}/debian/postinst;${_deploy}/debian/prerm;${_deploy}/debian/postrm;${_deploy}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)

# `cmake --build build --target deb`: the executable, then the package.
add_custom_target(deb
  COMMAND "${CMAKE_CPACK_COMMAND}" -G DEB --config "${PROJECT_BINARY_DIR}/CPackConfig.cmake"
  WORKING_DIRECTORY "${PROJECT_BINARY_DIR}"
  DEPENDS tributary
  COMMENT "Packaging tributary_${PROJECT_VERSION} as a .deb"
  VERBATIM)

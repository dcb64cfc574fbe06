# Shared compile settings: every rosterd target links rosterd_settings.
add_library(rosterd_settings INTERFACE)
target_compile_options(rosterd_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
target_include_directories(rosterd_settings INTERFACE ${PROJECT_SOURCE_DIR}/daemon)
target_compile_definitions(rosterd_settings INTERFACE ROSTERD_VERSION="${PROJECT_VERSION}")
target_link_libraries(rosterd_settings INTERFACE Threads::Threads)

if(ROSTERD_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(rosterd_settings INTERFACE ${_san})
  target_link_options(rosterd_settings INTERFACE ${_san})
endif()

# A library per daemon folder, named rosterd_<folder>.
function(rosterd_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC rosterd_settings ${ARG_DEPS})
endfunction()

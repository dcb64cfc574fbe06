# The documents generated from rosterd's own definitions once the binary is built
# (`rosterd generate`, daemon/cli/reference_pages.hpp), so that they cannot drift from
# --help and the parser's table of keys: the man pages rosterd(8) and rosterd.yaml(5), their
# gzip -9n copies (no name, no time stamp: the same bytes every build), and the bash
# completion, which cmake/Install.cmake installs.
set(ROSTERD_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)

# rosterd_generated(<what> <file>): ${ROSTERD_GENERATED_DIR}/<file> from `rosterd generate <what>`.
function(rosterd_generated what file)
  set(out ${ROSTERD_GENERATED_DIR}/${file})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ROSTERD_GENERATED_DIR}
    COMMAND sh -c "\"$1\" generate \"$2\" > \"$3.tmp\" && mv \"$3.tmp\" \"$3\"" sh $<TARGET_FILE:rosterd> ${what} ${out}
    DEPENDS rosterd
    COMMENT "Generating ${file}"
    VERBATIM)
endfunction()

# rosterd_gzipped(<file>): <file>.gz beside it.
function(rosterd_gzipped file)
  set(in ${ROSTERD_GENERATED_DIR}/${file})
  add_custom_command(OUTPUT ${in}.gz
    COMMAND sh -c "gzip -9n -c \"$1\" > \"$1.gz.tmp\" && mv \"$1.gz.tmp\" \"$1.gz\"" sh ${in}
    DEPENDS ${in}
    COMMENT "Compressing ${file}"
    VERBATIM)
endfunction()

rosterd_generated(rosterd.8 rosterd.8)
rosterd_generated(rosterd.yaml.5 rosterd.yaml.5)
rosterd_generated(bash-completion rosterd.bash-completion)
rosterd_gzipped(rosterd.8)
rosterd_gzipped(rosterd.yaml.5)
add_custom_target(rosterd_reference_docs ALL
  DEPENDS ${ROSTERD_GENERATED_DIR}/rosterd.8.gz ${ROSTERD_GENERATED_DIR}/rosterd.yaml.5.gz
          ${ROSTERD_GENERATED_DIR}/rosterd.bash-completion)

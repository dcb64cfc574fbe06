#pragma once
// Internal to config/: ${...} references in string values.
//   ${env:NAME}        the environment variable NAME (Environment::get_env)
//   ${file:PATH}       the file's content without one trailing newline; PATH relative to
//                      the configuration's directory
//   ${credential:NAME} the file NAME in $CREDENTIALS_DIRECTORY (systemd LoadCredential=)
//   $${                a literal "${"
// Expansion is a single pass: text that came from a reference is never expanded again,
// so a credential containing "${" is taken as it is.

#include <string>
#include <string_view>

#include "config/parse_context.hpp"

namespace rosterd::config {

// Referenced files (and credentials) larger than this are an error.
inline constexpr std::size_t k_max_referenced_file_bytes = 1u << 20;

// Throws ConfigError at `location`/`key_path` when a reference cannot be resolved; the
// message names the reference but never contains a value. For Secrecy::secret the value
// and each part of it that came from a reference are registered with core::secrets(); for
// Secrecy::references only those parts.
Text expand_text(const ParseContext& context, std::string_view raw, const std::string& key_path,
                 const Location& location, Secrecy secrecy);

}  // namespace rosterd::config

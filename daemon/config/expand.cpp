#include "config/expand.hpp"

#include <fmt/format.h>

#include "config/file_access.hpp"
#include "core/secrets.hpp"

namespace rosterd::config {
namespace {

constexpr std::string_view k_reference_help =
    "use ${env:NAME}, ${file:PATH} or ${credential:NAME}, and write \"$${\" for a literal \"${\"";

struct Reference {
  std::string_view kind;      // env, file, credential
  std::string_view argument;  // NAME or PATH
  std::string_view text;      // "${env:NAME}", for messages
};

class Expander {
 public:
  Expander(const ParseContext& context, const std::string& key_path, const Location& location)
      : m_context(context), m_key_path(key_path), m_location(location) {}

  std::string resolve(const Reference& reference) const {
    if (reference.kind != "env" && reference.kind != "file" && reference.kind != "credential") {
      // The text may be a literal secret that happens to contain "${": quote nothing of it.
      fail(fmt::format("contains a \"${{\" that is not a reference ({})", k_reference_help));
    }
    if (reference.argument.empty()) fail(fmt::format("{} names nothing", reference.text));
    if (reference.kind == "env") return from_env(reference);
    if (reference.kind == "file") return from_file(reference);
    return from_credential(reference);
  }

  [[noreturn]] void fail(std::string problem) const { throw ConfigError(m_location, m_key_path, std::move(problem)); }

 private:
  std::string from_env(const Reference& reference) const {
    const std::string name{reference.argument};
    std::optional<std::string> value;
    if (m_context.env->get_env) value = m_context.env->get_env(name);
    if (!value) fail(fmt::format("{}: environment variable {} is not set", reference.text, name));
    return *value;
  }

  std::string from_file(const Reference& reference) const {
    const std::string path = resolve_path(m_context.directory, reference.argument);
    return read(reference, path, path);
  }

  std::string from_credential(const Reference& reference) const {
    const std::string& directory = m_context.env->credentials_directory;
    if (directory.empty()) {
      fail(
          fmt::format("{}: $CREDENTIALS_DIRECTORY is not set (pass the credential with LoadCredential= in "
                      "the systemd unit, or use ${{file:PATH}} or ${{env:NAME}})",
                      reference.text));
    }
    // systemd credential names are single path components.
    if (reference.argument.find('/') != std::string_view::npos || reference.argument == "." ||
        reference.argument == "..") {
      fail(fmt::format("{}: a credential name cannot contain '/'", reference.text));
    }
    const std::string path = resolve_path(directory, reference.argument);
    return read(reference, path,
                fmt::format("credential {} in $CREDENTIALS_DIRECTORY ({})", reference.argument, directory));
  }

  std::string read(const Reference& reference, const std::string& path, const std::string& what) const {
    FileContent file = read_small_file(path, k_max_referenced_file_bytes);
    if (!file.error.empty()) fail(fmt::format("{}: cannot read {}: {}", reference.text, what, file.error));
    // One trailing line end is the file's, not the value's ("echo secret > file").
    if (file.content.ends_with('\n')) file.content.pop_back();
    if (file.content.ends_with('\r')) file.content.pop_back();
    return std::move(file.content);
  }

  const ParseContext& m_context;
  const std::string& m_key_path;
  const Location& m_location;
};

}  // namespace

Text expand_text(const ParseContext& context, std::string_view raw, const std::string& key_path,
                 const Location& location, Secrecy secrecy) {
  Text text{{}, key_path, location, false, std::string{raw}};
  const Expander expander(context, key_path, location);
  std::size_t pos = 0;
  while (pos < raw.size()) {
    if (raw.substr(pos).starts_with("$${")) {
      text.value += "${";
      pos += 3;
      continue;
    }
    if (!raw.substr(pos).starts_with("${")) {
      text.value += raw[pos++];
      continue;
    }
    const std::size_t close = raw.find('}', pos + 2);
    if (close == std::string_view::npos) {
      expander.fail(fmt::format("has a \"${{\" without its closing \"}}\" ({})", k_reference_help));
    }
    const std::string_view body = raw.substr(pos + 2, close - pos - 2);
    const std::size_t colon = body.find(':');
    const Reference reference{colon == std::string_view::npos ? std::string_view{} : body.substr(0, colon),
                              colon == std::string_view::npos ? std::string_view{} : body.substr(colon + 1),
                              raw.substr(pos, close + 1 - pos)};
    std::string part = expander.resolve(reference);
    if (secrecy != Secrecy::plain) core::secrets().add(part);
    text.value += part;
    text.has_reference = true;
    pos = close + 1;
  }
  if (secrecy == Secrecy::secret) core::secrets().add(text.value);
  return text;
}

}  // namespace rosterd::config

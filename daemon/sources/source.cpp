#include "sources/source.hpp"

#include <fmt/format.h>

namespace rosterd::sources {

core::Status Source::fetch_entities(RunContext&, model::Dataset dataset, EntitySink&) {
  return core::Error{core::ErrorKind::config,
                     fmt::format("{}: dataset '{}' is not available for this source type", name(), model::to_string(dataset))};
}

}  // namespace rosterd::sources

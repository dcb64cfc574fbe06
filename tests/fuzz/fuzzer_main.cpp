// The libFuzzer entry point of one target; ROSTERD_FUZZ_ENTRY names its function in
// fuzz_entries.hpp (class4, crocodial, smartflo, worksection, config).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rosterd::fuzz::ROSTERD_FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

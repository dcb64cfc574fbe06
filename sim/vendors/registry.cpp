// The one table of the simulator's vendors. Adding a vendor adds a row here and a
// folder beside this file (README.md, "Adding a vendor").

#include "sim/vendor_module.hpp"
#include "sim/vendors/class4/class4.hpp"
#include "sim/vendors/crocodial/crocodial.hpp"
#include "sim/vendors/scim/scim.hpp"
#include "sim/vendors/smartflo/smartflo.hpp"
#include "sim/vendors/worksection/worksection.hpp"

namespace rosterd::sim {

std::span<const VendorModule> builtin_vendors() {
  static const VendorModule vendors[] = {
      detail::crocodial_module(),
      detail::worksection_module(),
      detail::smartflo_module(),
      detail::class4_module(),
      detail::scim_module(),
  };
  return vendors;
}

const VendorModule* find_vendor(std::span<const VendorModule> vendors, std::string_view name) {
  for (const auto& vendor : vendors) {
    if (vendor.name == name) return &vendor;
  }
  return nullptr;
}

std::string join_names(std::span<const std::string_view> names, std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.append(i + 1 == names.size() ? last_separator : std::string_view(", "));
    out.append(names[i]);
  }
  return out;
}

}  // namespace rosterd::sim

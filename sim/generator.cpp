#include "sim/generator.hpp"

#include <array>

namespace rosterd::sim::detail {
namespace {

constexpr std::array<std::string_view, 32> k_first_names = {
    "Maria", "James", "Aisha", "Wei",   "Olga", "Carlos", "Priya", "John",   "Fatima", "Liam", "Sofia",
    "Kenji", "Amara", "Lucas", "Elena", "Ravi", "Chloe",  "Omar",  "Hannah", "Mateo",  "Ines", "Yusuf",
    "Grace", "Ivan",  "Leila", "Noah",  "Mei",  "Diego",  "Anya",  "Samuel", "Zara",   "Tomas"};
constexpr std::array<std::string_view, 32> k_last_names = {
    "Garcia", "Smith",  "Khan",   "Chen",    "Petrova", "Silva",  "Sharma", "Brown",   "Haddad", "Murphy", "Rossi",
    "Tanaka", "Okafor", "Martin", "Popescu", "Iyer",    "Dubois", "Farouk", "Schmidt", "Lopez",  "Costa",  "Demir",
    "Wilson", "Ivanov", "Nasser", "Taylor",  "Wong",    "Ramos",  "Novak",  "Adeyemi", "Ahmed",  "Horvat"};

// Names that break naive text handling: combining marks, right-to-left scripts and an
// override character, emoji (one a ZWJ sequence), quotes, backslashes, CJK.
constexpr std::array<std::string_view, 10> k_unusual_names = {
    "Zoe\xcc\x88",                                       // "Zoe" + U+0308 combining diaeresis
    "Ame\xcc\x81lie",                                    // "Ame" + U+0301 + "lie"
    "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85",                  // Arabic "Maryam" (RTL)
    "\xd7\xa9\xd7\xa8\xd7\x94",                          // Hebrew "Sarah" (RTL)
    "Jos\xc3\xa9 \xf0\x9f\x98\x80",                      // "José" + U+1F600
    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb Dev",  // woman technologist (ZWJ sequence)
    "O'Neil \"The Closer\"",
    "Back\\slash\\Name",
    "\xe2\x80\xae"
    "drowssap",                               // U+202E right-to-left override
    "\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x8d",  // CJK "Li Xiaolong"
};

constexpr std::array<std::string_view, 6> k_portfolio_names = {"Alpha Medical Insurance", "Istmo Telecom",
                                                               "Pioneer Realty Group",    "Banco Norte",
                                                               "Telenova Mobile",         "Insura Life"};
constexpr std::array<std::string_view, 5> k_profile_names = {"COLLECTIONS", "CUSTOMER_SERVICE", "SALES_SUPPORT",
                                                             "RETENTION", "BACK_OFFICE"};
constexpr std::array<std::string_view, 6> k_campaign_names = {"PAYMENTS",    "GENERAL",  "CUSTSERVICE",
                                                              "COLLECTIONS", "NEWLOANS", "SERVERS"};

// The generator's salts; vendors' own draws use 0x106, 0x109 and salts above 0x500.
constexpr std::uint64_t k_salt_first = 0x101, k_salt_last = 0x102, k_salt_active = 0x107, k_salt_unusual = 0x108;

void apply_unusual_text(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  if (!options.unusual_text) return;
  const auto which = draw(options, index, k_salt_unusual, static_cast<std::uint32_t>(k_unusual_names.size()));
  if (index % 3 == 1) user.first_name = k_unusual_names[which];
  if (index % 3 == 2) user.last_name = k_unusual_names[which];
  if (index % 50 == 7) {  // a very long value
    std::string long_name;
    while (long_name.size() < 3000) long_name += "Wolfeschlegelsteinhausenbergerdorff-";
    user.last_name = long_name;
  }
}

}  // namespace

std::uint64_t mix64(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::uint64_t derive(std::uint64_t seed, std::int64_t id, std::uint64_t salt) {
  return mix64(seed ^ mix64(static_cast<std::uint64_t>(id) ^ mix64(salt)));
}

std::uint32_t pick(std::uint64_t seed, std::int64_t id, std::uint64_t salt, std::uint32_t bound) {
  return bound == 0 ? 0 : static_cast<std::uint32_t>(derive(seed, id, salt) % bound);
}

std::uint32_t draw(const TenantOptions& options, std::uint32_t index, std::uint64_t salt, std::uint32_t bound) {
  return pick(options.seed, static_cast<std::int64_t>(index), salt, bound);
}

std::string digits(std::uint64_t value, std::size_t count) {
  std::string out(count, '0');
  std::uint64_t pool = mix64(value);
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 18 == 17) pool = mix64(pool + i);  // a 64-bit value holds 19 digits
    out[i] = static_cast<char>('0' + pool % 10);
    pool /= 10;
  }
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::int64_t first_user_id(const VendorModule& vendor, std::uint64_t seed) {
  return vendor.first_user_id + static_cast<std::int64_t>(mix64(seed) % 100);
}

std::int64_t next_user_id(std::int64_t previous, std::uint64_t seed) {
  return previous + 1 + static_cast<std::int64_t>(derive(seed, previous, 0x200) % 3);
}

bool generated_active(const VendorModule& vendor, const TenantOptions& options, std::uint32_t index) {
  if (!vendor.has_active_flag || index == 0) return true;
  return draw(options, index, k_salt_active, 100) >= static_cast<std::uint32_t>(std::max(0, options.inactive_percent));
}

SimUser generate_user(const VendorModule& vendor, const TenantOptions& options, std::uint32_t index, std::int64_t id) {
  SimUser user;
  user.id = id;
  const std::string_view first = k_first_names[draw(options, index, k_salt_first, k_first_names.size())];
  const std::string_view last = k_last_names[draw(options, index, k_salt_last, k_last_names.size())];
  user.first_name = first;
  user.last_name = last;
  user.username.reserve(first.size() + last.size() + 12);
  user.username.append(first).append(".").append(last).append(std::to_string(index + 1));
  // Every tenth address keeps the username's capitals: emails arrive in mixed case.
  const std::string local = index % 10 == 3 ? user.username : lower_ascii(user.username);
  user.email.reserve(local.size() + options.name.size() + 14);
  user.email.append(local).append("@").append(options.name).append(".example.com");
  const auto phone_seed = derive(options.seed, index, k_salt_phone);
  if (phone_seed % 100 >= 15) user.phone = std::string("9").append(digits(phone_seed, 9));
  user.active = generated_active(vendor, options, index);
  vendor.fill_user(user, options, index);
  apply_unusual_text(user, options, index);
  return user;
}

std::vector<NamedItem> generate_portfolios(std::uint64_t /*seed*/) {
  std::vector<NamedItem> items;
  for (std::size_t i = 0; i < k_portfolio_codes.size(); ++i) {
    items.push_back({std::string(k_portfolio_codes[i]), std::string(k_portfolio_names[i])});
  }
  return items;
}

std::vector<NamedItem> generate_profiles(std::uint64_t /*seed*/) {
  std::vector<NamedItem> items;
  for (auto name : k_profile_names) items.push_back({std::string(name), std::string(name)});
  return items;
}

std::vector<NamedItem> generate_campaigns(std::uint64_t seed) {
  std::vector<NamedItem> items;
  for (std::size_t i = 0; i < k_campaign_names.size(); ++i) {
    // Numeric ids served as strings, as in the goGetAllUsers example ("4460708090").
    items.push_back({std::to_string(1000000000 + derive(seed, static_cast<std::int64_t>(i), 0x300) % 8999999999),
                     std::string(k_campaign_names[i])});
  }
  return items;
}

std::uint64_t default_secret_key(const TenantOptions& options, std::uint64_t which) {
  return derive(options.seed, static_cast<std::int64_t>(which), 0x400);
}

std::string default_secret(const TenantOptions& options, std::uint64_t which, std::size_t length) {
  return token_chars(default_secret_key(options, which), length);
}

std::string token_chars(std::uint64_t value, std::size_t length, std::string_view extra) {
  static constexpr std::string_view k_alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char alphabet[96];
  const std::size_t size = k_alnum.size() + std::min<std::size_t>(extra.size(), sizeof alphabet - k_alnum.size());
  k_alnum.copy(alphabet, k_alnum.size());
  extra.copy(alphabet + k_alnum.size(), size - k_alnum.size());
  std::string out(length, ' ');
  std::uint64_t pool = 0;
  for (std::size_t i = 0; i < length; ++i) {
    if (i % 8 == 0) pool = value = mix64(value + i);  // eight characters per 64-bit value
    out[i] = alphabet[(pool & 0xffU) % size];
    pool >>= 8;
  }
  return out;
}

std::string base64url(std::string_view bytes) {
  static constexpr char k_table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k_table[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(k_table[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

std::string jwt_like(std::string_view claims_json, std::uint64_t key) {
  std::string signature;
  for (int i = 0; i < 4; ++i) {
    key = mix64(key + static_cast<std::uint64_t>(i));
    for (int b = 0; b < 8; ++b) signature.push_back(static_cast<char>((key >> (8 * b)) & 0xffU));
  }
  return base64url(R"({"typ":"JWT","alg":"HS256"})") + "." + base64url(claims_json) + "." + base64url(signature);
}

}  // namespace rosterd::sim::detail

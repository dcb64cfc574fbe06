#include "sim/generator.hpp"

#include <fmt/format.h>

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

constexpr std::array<std::string_view, 6> k_portfolio_codes = {"AMI", "IST", "PTR", "BNK", "TEL", "INS"};
constexpr std::array<std::string_view, 6> k_portfolio_names = {"Alpha Medical Insurance", "Istmo Telecom",
                                                               "Pioneer Realty Group",    "Banco Norte",
                                                               "Telenova Mobile",         "Insura Life"};
constexpr std::array<std::string_view, 5> k_profile_names = {"COLLECTIONS", "CUSTOMER_SERVICE", "SALES_SUPPORT",
                                                             "RETENTION", "BACK_OFFICE"};
constexpr std::array<std::string_view, 6> k_campaign_names = {"PAYMENTS",    "GENERAL",  "CUSTSERVICE",
                                                              "COLLECTIONS", "NEWLOANS", "SERVERS"};
constexpr std::array<std::string_view, 6> k_worksection_roles = {"account admin", "team admin", "department admin",
                                                                 "guest",         "reader",     "user"};
constexpr std::array<std::string_view, 5> k_teams = {"Sales", "Support", "Development", "Marketing", "Finance"};

constexpr std::uint64_t k_salt_first = 0x101, k_salt_last = 0x102, k_salt_phone = 0x103, k_salt_role = 0x104,
                        k_salt_group = 0x105, k_salt_portfolios = 0x106, k_salt_active = 0x107, k_salt_unusual = 0x108,
                        k_salt_extension = 0x109;

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

// Per-user draws are keyed by the stream index (not the id) so that a user's content
// does not depend on how ids were spaced.
std::uint32_t draw(const TenantOptions& options, std::uint32_t index, std::uint64_t salt, std::uint32_t bound) {
  return pick(options.seed, static_cast<std::int64_t>(index), salt, bound);
}

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

void apply_vendor_fields(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto roll = draw(options, index, k_salt_role, 100);
  const auto group_roll = draw(options, index, k_salt_group, 100);
  switch (options.vendor) {
    case Vendor::crocodial: {
      user.extension = std::to_string(user.id);  // the doc example's exten equals user_id
      // Built as strings, not assigned from char pointers: GCC 12 -O2 reports a false
      // -Wrestrict for the latter.
      user.role = std::string(index == 0 ? "9" : roll < 5 ? "8" : roll < 15 ? "7" : "1");
      user.group = std::string(user.role == "9"   ? "ADMIN"
                               : user.role != "1" ? "SUPERVISORS"
                               : group_roll < 10  ? "QA"
                                                  : "AGENTS");
      const auto portfolio_mask = draw(options, index, k_salt_portfolios, 64);
      for (std::size_t i = 0; i < k_portfolio_codes.size(); ++i) {
        if ((portfolio_mask >> i) & 1U) user.portfolios.emplace_back(k_portfolio_codes[i]);
      }
      break;
    }
    case Vendor::worksection:
      user.active = true;
      user.role = index == 0 ? "owner" : std::string(k_worksection_roles[roll % k_worksection_roles.size()]);
      if (roll >= 40) user.role = "user";
      if (group_roll >= 10) user.group = k_teams[group_roll % k_teams.size()];
      if (index % 8 == 5) user.email = fmt::format("{0}@{0}.worksection.com", user.id);  // placeholder address
      user.username = user.email;
      break;
    case Vendor::smartflo:
      user.role = roll < 70 ? "Agent" : roll < 85 ? "Supervisor" : roll < 95 ? "Quality" : "Admin";
      if (draw(options, index, k_salt_extension, 100) >= 20) user.extension = std::to_string(1001 + index);
      if (!user.phone.empty())
        user.phone = std::string("+91").append(digits(derive(options.seed, index, k_salt_phone), 10));
      user.username = user.email;
      break;
    case Vendor::class4:
      user.group = index == 0 ? "admin" : roll < 60 ? "client" : roll < 80 ? "agent" : roll < 90 ? "admin" : "viewer";
      user.role = user.group == "client"  ? "Client"
                  : user.group == "agent" ? "Agent"
                  : user.group == "admin" ? "Admin"
                                          : "Viewer";
      break;
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

std::int64_t first_user_id(Vendor vendor, std::uint64_t seed) {
  const auto jitter = static_cast<std::int64_t>(mix64(seed) % 100);
  switch (vendor) {
    case Vendor::crocodial:
      return 2000 + jitter;
    case Vendor::worksection:
      return 3900 + jitter;
    case Vendor::smartflo:
      return 314600 + jitter;
    case Vendor::class4:
      return 1700 + jitter;
  }
  return 1000;
}

std::int64_t next_user_id(std::int64_t previous, std::uint64_t seed) {
  return previous + 1 + static_cast<std::int64_t>(derive(seed, previous, 0x200) % 3);
}

bool generated_active(const TenantOptions& options, std::uint32_t index) {
  if (options.vendor == Vendor::worksection || index == 0) return true;
  return draw(options, index, k_salt_active, 100) >= static_cast<std::uint32_t>(std::max(0, options.inactive_percent));
}

SimUser generate_user(const TenantOptions& options, std::uint32_t index, std::int64_t id) {
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
  user.active = generated_active(options, index);
  apply_vendor_fields(user, options, index);
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

void fill_default_credentials(TenantOptions& options) {
  const auto secret = [&](std::uint64_t salt, std::size_t length) {
    return token_chars(derive(options.seed, static_cast<std::int64_t>(salt), 0x400), length);
  };
  switch (options.vendor) {
    case Vendor::crocodial:
      if (options.user.empty()) options.user = "apiuser";
      if (options.password.empty()) options.password = secret(1, 14);
      break;
    case Vendor::worksection:
      if (options.api_key.empty()) options.api_key = lower_ascii(secret(2, 32));
      break;
    case Vendor::smartflo:
      if (options.user.empty()) options.user = fmt::format("api@{}.example.com", options.name);
      if (options.password.empty()) options.password = secret(3, 16);
      if (options.token.empty()) {
        options.token = jwt_like(R"({"iss":"smartflo","sub":"permanent"})", derive(options.seed, 4, 0x400));
      }
      break;
    case Vendor::class4:
      if (options.user.empty()) options.user = "admin";
      if (options.password.empty()) options.password = secret(6, 14);
      if (options.token.empty()) options.token = secret(7, 40);
      break;
  }
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

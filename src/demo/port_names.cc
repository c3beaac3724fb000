// Reference data and company names for the demo port.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "demo/internal/port_model.h"

namespace cairn::demo {

std::string FormatInstant(int64_t t) {
  if (t == kNoTime) return {};
  const int64_t days = t >= 0 ? t / kDay : (t - kDay + 1) / kDay;
  const int64_t secs = t - days * kDay;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     secs / kHour, secs % kHour / 60, secs % 60);
}

std::string FormatDate(int64_t t) {
  if (t == kNoTime) return {};
  return FormatInstant(t).substr(0, 10);
}

std::string FormatCents(int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const int64_t abs = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02d}", sign, abs / 100, abs % 100);
}

const std::vector<Goods>& GoodsCatalogue() {
  static const std::vector<Goods> kGoods = {
      {"8471.30.00", "Portable computers", false},
      {"6204.62.00", "Women's trousers, cotton", false},
      {"9403.60.10", "Wooden furniture, dining room", false},
      {"8516.60.10", "Cooking ranges, electric", false},
      {"0901.11.00", "Coffee, not roasted", false},
      {"6402.99.39", "Footwear with rubber soles", false},
      {"8708.29.10", "Car body parts", false},
      {"3901.10.10", "Polyethylene granules", false},
      {"4011.10.00", "Tyres for passenger cars", false},
      {"8528.72.40", "Television sets, 55\"", false},
      {"9503.00.75", "Toys, plastic", false},
      {"6302.60.00", "Terry towels, cotton", false},
      {"8418.10.20", "Refrigerator-freezers", false},
      {"7318.15.88", "Screws and bolts, steel", false},
      {"3923.21.00", "Plastic bags", false},
      {"8501.52.20", "Electric motors, AC", false},
      {"0803.90.10", "Bananas, fresh", true},
      {"0303.89.00", "Frozen fish", true},
      {"0207.14.10", "Frozen chicken cuts", true},
      {"0805.10.22", "Oranges, fresh", true},
      {"3004.90.00", "Medicaments, temperature controlled", true},
  };
  return kGoods;
}

namespace {

bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string ReplaceFirst(std::string s, std::string_view from, std::string_view to) {
  const size_t pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

std::string Abbreviate(const std::string& name) {
  static const std::pair<std::string_view, std::string_view> kAbbreviations[] = {
      {"Trading", "Trdg"},        {"Logistics", "Log."},  {"Logistik", "Log."},
      {"International", "Intl"},  {"Import", "Imp."},     {"Distribution", "Distr."},
      {"Electronics", "Electr."}, {"Machinery", "Mach."}, {"Limited", "Ltd"},
      {"Wholesale", "Whsl"},      {"Furniture", "Furn."}, {"Chemicals", "Chem."},
      {"Textiles", "Tex."},       {"Beverages", "Bev."},  {"Foods", "Fds"},
      {"Handel", "Hdl."},         {"Spedition", "Sped."}, {"Automotive", "Auto"},
      {"Retail", "Rtl"},          {"Company", "Co."},     {"Brothers", "Bros."},
  };
  for (const auto& [from, to] : kAbbreviations) {
    if (name.find(from) != std::string::npos) return ReplaceFirst(name, from, to);
  }
  return name;
}

std::string UpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Transliterate(std::string s) {
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"ü", "ue"}, {"ö", "oe"}, {"ä", "ae"}, {"ß", "ss"}, {"Å", "A"}, {"å", "a"},  {"é", "e"},
      {"è", "e"},  {"ń", "n"},  {"ś", "s"},  {"ł", "l"},  {"ç", "c"}, {"Ö", "Oe"}, {"Ü", "Ue"},
  };
  for (const auto& [from, to] : kMap) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos)) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return s;
}

// Drops ", City" or the legal form at the end.
std::string DropTail(const std::string& name) {
  const size_t comma = name.rfind(", ");
  if (comma != std::string::npos && comma > 0) return name.substr(0, comma);
  const size_t space = name.rfind(' ');
  if (space != std::string::npos && space > 0) return name.substr(0, space);
  return name;
}

std::string Typo(const std::string& name, Rng& rng) {
  std::vector<size_t> spots;  // i where name[i-1], name[i], name[i+1] are ASCII letters
  for (size_t i = 1; i + 1 < name.size(); ++i) {
    if (IsAsciiAlpha(name[i - 1]) && IsAsciiAlpha(name[i]) && IsAsciiAlpha(name[i + 1]) &&
        name[i] != name[i + 1]) {
      spots.push_back(i);
    }
  }
  if (spots.empty()) return name;
  std::string s = name;
  const size_t i = rng.Pick(spots);
  if (rng.PerMille(500)) {
    std::swap(s[i], s[i + 1]);
  } else {
    s.erase(i, 1);
  }
  return s;
}

}  // namespace

std::string CompanySlug(std::string_view name) {
  static const std::string_view kLegalForms[] = {"GmbH", "AG",      "B.V.", "SARL",   "SAS",
                                                 "Sp.",  "AB",      "A/S",  "S.r.l.", "S.p.A.",
                                                 "Ltd",  "Limited", "PLC",  "s.r.o."};
  std::string base = Transliterate(std::string(name.substr(0, name.find(','))));
  std::string slug;
  size_t start = 0;
  while (start < base.size()) {
    size_t end = base.find(' ', start);
    if (end == std::string::npos) end = base.size();
    const std::string_view word(base.data() + start, end - start);
    start = end + 1;
    if (std::find(std::begin(kLegalForms), std::end(kLegalForms), word) != std::end(kLegalForms)) {
      break;
    }
    std::string part;
    for (char c : word) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) part.push_back(c);
    }
    if (part.empty()) continue;
    if (!slug.empty() && slug.size() + 1 + part.size() > 30) break;
    if (!slug.empty()) slug.push_back('-');
    slug += part.substr(0, 30);
  }
  return slug.empty() ? "customer" : slug;
}

std::string ConsigneeVariant(std::string_view name_view, Rng& rng) {
  const std::string name(name_view);
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string variant;
    switch (rng.Below(6)) {
      case 0:
        variant = Abbreviate(name);
        break;
      case 1:
        variant = UpperAscii(Abbreviate(name));
        break;
      case 2:
        variant = Transliterate(name);
        break;
      case 3:
        variant = DropTail(name);
        break;
      case 4:
        variant = UpperAscii(name);
        break;
      default:
        variant = Typo(name, rng);
        break;
    }
    if (variant != name && !variant.empty()) return variant;
  }
  return name + ".";
}

}  // namespace cairn::demo

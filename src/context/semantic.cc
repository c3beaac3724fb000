#include "context/semantic.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "context/internal/word_set.h"
#include "core/strings.h"

namespace cairn::context {
namespace {

constexpr std::array<std::string_view, kSemanticTypeCount> kNames = {"unknown",
                                                                     "identifier",
                                                                     "email",
                                                                     "phone",
                                                                     "date",
                                                                     "datetime",
                                                                     "money",
                                                                     "country_code",
                                                                     "currency_code",
                                                                     "url",
                                                                     "uuid",
                                                                     "iban",
                                                                     "container_number",
                                                                     "imo_number",
                                                                     "boolean",
                                                                     "category",
                                                                     "free_text",
                                                                     "integer",
                                                                     "number",
                                                                     "text",
                                                                     "binary",
                                                                     "person_name",
                                                                     "address"};

// ISO 3166-1 alpha-2 and alpha-3 codes.
constexpr std::string_view kAlpha2 =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";
constexpr std::string_view kAlpha3 =
    "AFG ALA ALB DZA ASM AND AGO AIA ATA ATG ARG ARM ABW AUS AUT AZE BHS BHR BGD BRB BLR BEL "
    "BLZ BEN BMU BTN BOL BES BIH BWA BVT BRA IOT BRN BGR BFA BDI CPV KHM CMR CAN CYM CAF TCD "
    "CHL CHN CXR CCK COL COM COG COD COK CRI CIV HRV CUB CUW CYP CZE DNK DJI DMA DOM ECU EGY "
    "SLV GNQ ERI EST SWZ ETH FLK FRO FJI FIN FRA GUF PYF ATF GAB GMB GEO DEU GHA GIB GRC GRL "
    "GRD GLP GUM GTM GGY GIN GNB GUY HTI HMD VAT HND HKG HUN ISL IND IDN IRN IRQ IRL IMN ISR "
    "ITA JAM JPN JEY JOR KAZ KEN KIR PRK KOR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MAC "
    "MDG MWI MYS MDV MLI MLT MHL MTQ MRT MUS MYT MEX FSM MDA MCO MNG MNE MSR MAR MOZ MMR NAM "
    "NRU NPL NLD NCL NZL NIC NER NGA NIU NFK MKD MNP NOR OMN PAK PLW PSE PAN PNG PRY PER PHL "
    "PCN POL PRT PRI QAT REU ROU RUS RWA BLM SHN KNA LCA MAF SPM VCT WSM SMR STP SAU SEN SRB "
    "SYC SLE SGP SXM SVK SVN SLB SOM ZAF SGS SSD ESP LKA SDN SUR SJM SWE CHE SYR TWN TJK TZA "
    "THA TLS TGO TKL TON TTO TUN TUR TKM TCA TUV UGA UKR ARE GBR USA UMI URY UZB VUT VEN VNM "
    "VGB VIR WLF ESH YEM ZMB ZWE";
// ISO 4217 currency codes (active, plus funds and precious metals).
constexpr std::string_view kCurrencies =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP "
    "DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR "
    "IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD "
    "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB "
    "PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD "
    "SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS "
    "VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA XXX "
    "YER ZAR ZMW ZWL";

const std::unordered_set<std::string_view>& CodeSet(std::string_view list) {
  // One set per list, built once.
  static const std::unordered_set<std::string_view> a2 = internal::WordSet(kAlpha2);
  static const std::unordered_set<std::string_view> a3 = internal::WordSet(kAlpha3);
  static const std::unordered_set<std::string_view> cur = internal::WordSet(kCurrencies);
  if (list.data() == kAlpha2.data()) return a2;
  if (list.data() == kAlpha3.data()) return a3;
  return cur;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// Digits "d" at position i..i+n.
bool DigitsAt(std::string_view s, size_t i, size_t n) {
  if (i + n > s.size()) return false;
  for (size_t k = i; k < i + n; ++k) {
    if (!IsDigit(s[k])) return false;
  }
  return true;
}

bool IsInteger(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return AllDigits(s) && s.size() <= 18;
}

bool IsNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool digits = false, dot = false;
  for (char c : s) {
    if (IsDigit(c)) {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

bool IsBoolWord(std::string_view s) {
  static const std::unordered_set<std::string> kWords = {"true", "false", "yes", "no",   "t", "f",
                                                         "y",    "n",     "ja",  "nein", "0", "1"};
  return s.size() <= 5 && kWords.count(AsciiLower(s)) > 0;
}

}  // namespace

std::string_view SemanticTypeName(SemanticType type) { return kNames[static_cast<size_t>(type)]; }

bool SemanticTypeFromName(std::string_view name, SemanticType* type) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      *type = static_cast<SemanticType>(i);
      return true;
    }
  }
  return false;
}

bool IsValidIso6346(std::string_view s) {
  if (s.size() != 11) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (!IsUpper(s[i])) return false;
  }
  if (s[3] != 'U' && s[3] != 'J' && s[3] != 'Z') return false;
  if (!DigitsAt(s, 4, 7)) return false;
  // Letters count 10, 12, 13, ... skipping multiples of 11; position i weighs 2^i.
  int64_t sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int value;
    if (IsUpper(s[i])) {
      value = 10;
      for (char c = 'A'; c < s[i]; ++c) {
        ++value;
        if (value % 11 == 0) ++value;
      }
    } else {
      value = s[i] - '0';
    }
    sum += static_cast<int64_t>(value) << i;
  }
  return (sum % 11) % 10 == s[10] - '0';
}

bool IsValidImo(std::string_view s) {
  if (s.size() > 4 && (s.substr(0, 4) == "IMO " || s.substr(0, 4) == "imo ")) s.remove_prefix(4);
  if (s.size() != 7 || !AllDigits(s)) return false;
  int sum = 0;
  for (int i = 0; i < 6; ++i) sum += (s[i] - '0') * (7 - i);
  return sum % 10 == s[6] - '0';
}

bool IsValidIban(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ') s += c;
  }
  if (s.size() < 15 || s.size() > 34) return false;
  if (!IsUpper(s[0]) || !IsUpper(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3])) return false;
  int remainder = 0;
  std::string rotated = s.substr(4) + s.substr(0, 4);
  for (char c : rotated) {
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (IsUpper(c)) {
      int v = c - 'A' + 10;
      remainder = (remainder * 100 + v) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

bool IsEmail(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == ';' || static_cast<unsigned char>(c) < 0x21) return false;
  }
  for (char c : domain.substr(dot + 1)) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return !local.empty();
}

bool IsUrl(std::string_view s) {
  auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
  size_t skip = starts("https://") ? 8 : starts("http://") ? 7 : starts("ftp://") ? 6 : 0;
  if (skip == 0 && starts("www.")) skip = 4;
  if (skip == 0 || s.size() <= skip + 2) return false;
  return s.find(' ') == std::string_view::npos &&
         s.find('.', skip - (skip == 4 ? 1 : 0)) != std::string_view::npos;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

bool IsTariffCode(std::string_view s) {
  // Harmonized System codes as customs write them: 4 digits (heading), then groups of 2 (or a
  // final group of 4) separated by periods: "8471.30", "8528.72.40", "0207.14.1000".
  if (s.size() < 7 || !DigitsAt(s, 0, 4) || s[4] != '.') return false;
  size_t i = 5;
  while (true) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t group = i - start;
    if (i == s.size()) return group == 2 || group == 4;
    if (group != 2 || s[i] != '.') return false;
    ++i;
  }
}

bool IsSlashedDate(std::string_view s) {
  // d/m/yyyy, mm/dd/yy, dd.mm.yyyy, dd-mm-yyyy: two groups of one or two digits, then two or
  // four, with the same separator.
  size_t i = 0;
  char separator = 0;
  for (int group = 0; group < 3; ++group) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t len = i - start;
    if (group < 2) {
      if (len < 1 || len > 2 || i >= s.size()) return false;
      if (group == 0) separator = s[i];
      if (s[i] != separator || (separator != '/' && separator != '.' && separator != '-')) {
        return false;
      }
      ++i;
    } else {
      return (len == 2 || len == 4) && i == s.size();
    }
  }
  return false;
}

namespace {

// The number without an extension after it: "896-931-9633x869", "+49 30 1234567 ext. 12".
std::string_view WithoutExtension(std::string_view s) {
  size_t i = s.size();
  while (i > 0 && IsDigit(s[i - 1])) --i;
  if (i == s.size() || s.size() - i > 6) return s;
  auto lower = [&](size_t k) { return std::tolower(static_cast<unsigned char>(s[k])); };
  size_t j = i;
  while (j > 0 && s[j - 1] == ' ') --j;
  if (j >= 4 && s[j - 1] == '.' && lower(j - 4) == 'e' && lower(j - 3) == 'x' &&
      lower(j - 2) == 't') {
    j -= 4;
  } else if (j >= 3 && lower(j - 3) == 'e' && lower(j - 2) == 'x' && lower(j - 1) == 't') {
    j -= 3;
  } else if (j >= 1 && lower(j - 1) == 'x') {
    j -= 1;
  } else {
    return s;
  }
  while (j > 0 && s[j - 1] == ' ') --j;
  return s.substr(0, j);
}

}  // namespace

bool IsPhone(std::string_view s) {
  if (s.size() > 32) return false;
  s = WithoutExtension(s);
  if (s.size() < 7 || s.size() > 24) return false;
  if (IsTariffCode(s) || IsSlashedDate(s)) return false;
  int digits = 0;
  bool separator = false;
  for (char c : s) {
    if (IsDigit(c)) {
      ++digits;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/') {
      separator = true;
    } else if (c != '+') {
      return false;
    }
  }
  if (s.find('+', 1) != std::string_view::npos) return false;
  if (IsIsoDate(s) || IsIsoDatetime(s) || IsNumber(s)) return false;
  return digits >= 7 && digits <= 15 && (separator || s[0] == '+');
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || !DigitsAt(s, 0, 4) || s[4] != '-' || !DigitsAt(s, 5, 2) || s[7] != '-' ||
      !DigitsAt(s, 8, 2)) {
    return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool IsIsoDatetime(std::string_view s) {
  if (s.size() < 16 || !IsIsoDate(s.substr(0, 10))) return false;
  if (s[10] != 'T' && s[10] != ' ') return false;
  if (!DigitsAt(s, 11, 2) || s[13] != ':' || !DigitsAt(s, 14, 2)) return false;
  size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!DigitsAt(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] == '+' || s[i] == '-') {
    std::string_view tz = s.substr(i + 1);
    return (tz.size() == 5 && DigitsAt(tz, 0, 2) && tz[2] == ':' && DigitsAt(tz, 3, 2)) ||
           (tz.size() == 2 && DigitsAt(tz, 0, 2)) || (tz.size() == 4 && DigitsAt(tz, 0, 4));
  }
  return false;
}

bool IsCountryCode(std::string_view s) {
  if (s.size() == 2) return CodeSet(kAlpha2).count(s) > 0;
  if (s.size() == 3) return CodeSet(kAlpha3).count(s) > 0;
  return false;
}

bool IsCurrencyCode(std::string_view s) {
  return s.size() == 3 && CodeSet(kCurrencies).count(s) > 0;
}

bool IsDecimalAmount(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || s.size() - dot - 1 != 2) return false;
  return AllDigits(s.substr(0, dot)) && AllDigits(s.substr(dot + 1));
}

uint32_t ClassifyText(std::string_view s) {
  uint32_t bits = 0;
  auto set = [&](SemanticType t) { bits |= 1u << static_cast<int>(t); };
  if (s.empty()) return bits;
  if (IsInteger(s)) set(SemanticType::kInteger);
  if (IsNumber(s)) set(SemanticType::kNumber);
  if (IsDecimalAmount(s)) set(SemanticType::kMoney);
  if (IsBoolWord(s)) set(SemanticType::kBoolean);
  if (s.size() <= 3) {
    if (IsCountryCode(s)) set(SemanticType::kCountryCode);
    if (IsCurrencyCode(s)) set(SemanticType::kCurrencyCode);
    return bits;
  }
  if (IsEmail(s)) set(SemanticType::kEmail);
  if (IsUrl(s)) set(SemanticType::kUrl);
  if (IsUuid(s)) set(SemanticType::kUuid);
  if (IsIsoDate(s)) set(SemanticType::kDate);
  if (IsIsoDatetime(s)) set(SemanticType::kDatetime);
  if (IsPhone(s)) set(SemanticType::kPhone);
  if (IsValidIso6346(s)) set(SemanticType::kContainerNumber);
  if (IsValidImo(s)) set(SemanticType::kImoNumber);
  if (IsValidIban(s)) set(SemanticType::kIban);
  return bits;
}

namespace {

void AddTextShapes(std::string_view text, SemanticEvidence* e) {
  if (IsPersonNameShape(text)) {
    ++e->person_shape;
    if (StartsWithGivenName(text) || HasPersonTitle(text)) ++e->given_names;
    if (NamesAThing(text)) ++e->thing_names;
  }
  switch (ClassifyAddress(text)) {
    case AddressShape::kStreet:
      ++e->street_addresses;
      break;
    case AddressShape::kNumbered:
      ++e->numbered_addresses;
      break;
    case AddressShape::kNone:
      break;
  }
  if (text.size() >= 10 && text.size() <= 15 && AllDigits(text)) ++e->long_digit_strings;
}

}  // namespace

void SemanticEvidence::Add(char type, std::string_view text, int64_t integer, double real) {
  if (type == 't') {
    // Read without the spaces and line breaks around it (a value typed with a trailing newline
    // is the same e-mail address). Empty text is a missing value written out (exports and forms
    // store '' for none): it says nothing of the type, as NULL does not.
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return;
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  }
  ++non_null;
  uint32_t bits = 0;
  switch (type) {
    case 'i':
      ++integers;
      if (integer == 0 || integer == 1) ++bool_like;
      if (IsValidImo(text)) bits |= 1u << static_cast<int>(SemanticType::kImoNumber);
      break;
    case 'r': {
      ++reals;
      if (std::isfinite(real) && real == std::trunc(real)) ++integral_reals;
      double cents = real * 100;
      if (std::fabs(cents - std::round(cents)) < 1e-6 * std::max(1.0, std::fabs(cents))) {
        ++two_decimal_reals;
        double dimes = real * 10;
        if (std::fabs(dimes - std::round(dimes)) >= 1e-6 * std::max(1.0, std::fabs(dimes))) {
          ++cent_reals;
        }
      }
      if (real >= 0 && real <= 1) ++unit_interval_reals;
      break;
    }
    case 't':
      ++texts;
      bits = ClassifyText(text);
      if (bits & (1u << static_cast<int>(SemanticType::kBoolean))) ++bool_like;
      if (text.size() > 30 && text.find(' ') != std::string_view::npos) ++multi_word;
      AddTextShapes(text, this);
      break;
    default:
      ++blobs;
      break;
  }
  for (int i = 0; i < kSemanticTypeCount; ++i) {
    if (bits & (1u << i)) ++fits[static_cast<size_t>(i)];
  }
}

namespace {

// Lower-cased name without separators.
std::string Squash(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (IsAlnum(c)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IdLikeName(std::string_view name) {
  std::string n = Squash(name);
  return n == "id" || EndsWith(n, "id") || EndsWith(n, "key") || EndsWith(n, "nr") ||
         EndsWith(n, "code") || EndsWith(n, "no") || EndsWith(n, "number") ||
         EndsWith(n, "nummer") || EndsWith(n, "fk");
}

// Lower-cased words of a name: split at non-alphanumerics and at a lower-to-upper case change
// ("HomePhone" -> home, phone; "payment_terms_days" -> payment, terms, days).
std::vector<std::string> NameWords(std::string_view name) {
  std::vector<std::string> words(1);
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsAlnum(c) && static_cast<unsigned char>(c) < 0x80) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
        std::islower(static_cast<unsigned char>(name[i - 1])) && !words.back().empty()) {
      words.emplace_back();
    }
    words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool HasWord(const std::vector<std::string>& words, std::initializer_list<std::string_view> any) {
  for (const auto& w : words) {
    for (std::string_view a : any) {
      if (w == a) return true;
    }
  }
  return false;
}

bool ContainsAny(const std::string& squashed, std::initializer_list<std::string_view> any) {
  for (std::string_view a : any) {
    if (squashed.find(a) != std::string::npos) return true;
  }
  return false;
}

// A unit that makes a number something other than an amount of money.
bool UnitName(std::string_view name) {
  return HasWord(NameWords(name),
                 {"day",     "days",    "tage",   "tagen",   "week",    "weeks",   "wochen",
                  "month",   "months",  "monate", "year",    "years",   "jahre",   "hour",
                  "hours",   "stunden", "minute", "minutes", "minuten", "percent", "pct",
                  "prozent", "rate",    "ratio",  "count",   "anzahl",  "qty",     "quantity",
                  "menge",   "credits", "points", "punkte",  "score"});
}

bool PhoneName(std::string_view name) {
  for (const auto& w : NameWords(name)) {
    if (w == "tel" || w == "fax" || w == "mobile" || w == "handy" || w == "cell" ||
        w.find("phone") != std::string::npos || w.find("telefon") != std::string::npos) {
      return true;
    }
  }
  // Compounds: a contact, mobile or fax number is a phone number.
  return ContainsAny(Squash(name), {"contactnumber", "kontaktnummer", "handynummer", "mobilnummer",
                                    "mobilenumber", "cellnumber", "faxnumber", "faxnummer"});
}

// Words that name people's names outright.
bool PersonNameName(std::string_view name) {
  return ContainsAny(
      Squash(name), {"firstname", "lastname", "surname", "givenname", "familyname", "middlename",
                     "fullname", "contactname", "personname", "vorname", "nachname", "familienname",
                     "rufname", "mittlerername"});
}

bool PhoneNumberName(std::string_view name) {
  const std::string n = Squash(name);
  return PhoneName(name) &&
         (EndsWith(n, "number") || EndsWith(n, "nummer") || EndsWith(n, "no") || EndsWith(n, "nr"));
}

bool AddressName(std::string_view name) {
  return ContainsAny(Squash(name), {"address", "adresse", "anschrift", "street", "strasse"});
}

bool MoneyLikeName(std::string_view name) {
  if (UnitName(name)) return false;
  std::string n = Squash(name);
  for (std::string_view w :
       {"price", "amount", "total", "cost", "fee", "salary", "revenue", "balance", "betrag",
        "preis", "kosten", "gehalt", "umsatz", "freight", "payment", "budget"}) {
    if (n.find(w) != std::string::npos) return true;
  }
  return false;
}

// Capitalised words, nearly all of them, and a reason to read them as people: a person-name
// word in the column name, or enough common given names (fewer when the column is a "name").
bool IsPersonNameColumn(const SemanticEvidence& e, std::string_view column_name) {
  const double n = static_cast<double>(e.non_null);
  if (e.texts / n < kSemanticMinFraction || e.person_shape / n < kSemanticMinFraction) {
    return false;
  }
  const double given = e.given_names / n;
  if (PersonNameName(column_name)) return true;
  // Awards, counties and shops named after people ("Tony Award", "Baltimore County" among
  // "Howard", "Manning"): one value in ten naming a thing is enough to doubt the rest.
  if (e.thing_names / n >= 0.1) return false;
  if (given >= 0.5) return true;
  return Squash(column_name).find("name") != std::string::npos && given >= 0.2;
}

// Most values street-shaped, or an address word in the name and most values numbered or
// street-shaped.
bool IsAddressColumn(const SemanticEvidence& e, std::string_view column_name) {
  const double n = static_cast<double>(e.non_null);
  if (e.texts / n < kSemanticMinFraction) return false;
  const double street = e.street_addresses / n;
  const double shaped = (e.street_addresses + e.numbered_addresses) / n;
  if (street >= 0.5 && shaped >= 0.8) return true;
  return AddressName(column_name) && shaped >= 0.6;
}

}  // namespace

SemanticType DecideSemanticType(const SemanticEvidence& e, int64_t distinct,
                                std::string_view column_name, bool primary_key) {
  if (e.non_null == 0) return SemanticType::kUnknown;
  const double n = static_cast<double>(e.non_null);
  auto frac = [&](SemanticType t) { return e.fits[static_cast<size_t>(t)] / n; };
  auto fits = [&](SemanticType t) { return frac(t) >= kSemanticMinFraction; };
  if (e.blobs / n >= 0.5) return SemanticType::kBinary;
  const double uniqueness = static_cast<double>(distinct) / n;
  // A phone number ("telefonnummer", "phone_no") is no key; a phone's id ("phone_id") is.
  const bool id_name = IdLikeName(column_name) && !PhoneNumberName(column_name);
  if (e.bool_like / n >= kSemanticMinFraction && distinct <= 2 && e.non_null >= 2 && !primary_key &&
      !id_name) {
    return SemanticType::kBoolean;
  }
  const double numeric = (e.integers + e.reals) / n;
  if (numeric >= kSemanticMinFraction) {
    if (fits(SemanticType::kImoNumber)) return SemanticType::kImoNumber;
    const bool fractions = e.reals > e.integral_reals;
    // Without a money word, amounts show cents: some values need the second decimal (142.5
    // and 10.0 are weights and points), and they are not fractions of one (discounts, rates).
    const bool cents = e.two_decimal_reals / n >= 0.99 &&
                       e.cent_reals >= 0.2 * static_cast<double>(e.reals - e.integral_reals) &&
                       e.unit_interval_reals / n < kSemanticMinFraction && !UnitName(column_name);
    if (fractions && (MoneyLikeName(column_name) || cents) &&
        e.two_decimal_reals / n >= kSemanticMinFraction) {
      return SemanticType::kMoney;
    }
    // Integral reals (1.0, 2.0) are integers stored as REAL.
    if ((e.integers + e.integral_reals) / n >= kSemanticMinFraction) {
      if (primary_key || id_name) return SemanticType::kIdentifier;
      if (MoneyLikeName(column_name)) return SemanticType::kMoney;
      return SemanticType::kInteger;
    }
    return MoneyLikeName(column_name) ? SemanticType::kMoney : SemanticType::kNumber;
  }
  for (SemanticType t : {SemanticType::kUuid, SemanticType::kIban, SemanticType::kContainerNumber,
                         SemanticType::kImoNumber, SemanticType::kEmail, SemanticType::kUrl,
                         SemanticType::kDatetime, SemanticType::kDate, SemanticType::kPhone}) {
    // Numbers shaped like phone numbers under a key's name ("objektnummer": 1975-7006) are
    // numbers of things; a phone column says so in its name or its values alone.
    if (t == SemanticType::kPhone && id_name && !PhoneName(column_name)) continue;
    if (fits(t)) return t;
  }
  if (!id_name && PhoneName(column_name) &&
      (e.fits[static_cast<size_t>(SemanticType::kPhone)] + e.long_digit_strings) / n >=
          kSemanticMinFraction) {
    return SemanticType::kPhone;
  }
  if (fits(SemanticType::kInteger)) {
    return primary_key || id_name ? SemanticType::kIdentifier : SemanticType::kInteger;
  }
  if (fits(SemanticType::kMoney)) return SemanticType::kMoney;
  // Text that reads as decimals under a key's name is a code ("050.102", a course), as text
  // integers are above.
  if (fits(SemanticType::kNumber)) {
    return primary_key || id_name ? SemanticType::kIdentifier : SemanticType::kNumber;
  }
  if (fits(SemanticType::kCurrencyCode) && !fits(SemanticType::kCountryCode))
    return SemanticType::kCurrencyCode;
  if (fits(SemanticType::kCountryCode)) {
    std::string squashed = Squash(column_name);
    if (squashed.find("cur") != std::string::npos && fits(SemanticType::kCurrencyCode))
      return SemanticType::kCurrencyCode;
    return SemanticType::kCountryCode;
  }
  if (fits(SemanticType::kCurrencyCode)) return SemanticType::kCurrencyCode;
  if (IsPersonNameColumn(e, column_name)) return SemanticType::kPersonName;
  if (IsAddressColumn(e, column_name)) return SemanticType::kAddress;
  if (primary_key || (id_name && uniqueness >= 0.98)) return SemanticType::kIdentifier;
  if (e.multi_word / n >= 0.5) return SemanticType::kFreeText;
  if (distinct <= 50 && uniqueness <= 0.5) return SemanticType::kCategory;
  return SemanticType::kText;
}

}  // namespace cairn::context

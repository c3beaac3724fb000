#pragma once

// Semantic type detection: what a column holds, beyond its storage type.
//
// Each non-null value is classified by ClassifyValue() into the set of semantic types it fits
// (a value may fit several: "DE" is a country code and a category word). SemanticEvidence counts
// the fits over a column; DecideSemanticType() picks the most specific type that at least
// kSemanticMinFraction of the non-null values fit, using the column's distinct count and name
// to separate identifiers, categories and free text.
//
// Validators with check digits are real checks: ISO 6346 (container numbers), IMO numbers,
// IBAN (mod 97), UUID shape. Country codes use the ISO 3166-1 alpha-2 and alpha-3 lists,
// currency codes the ISO 4217 list (upper case only).
//
// Thread-safety: pure functions and plain values.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::context {

enum class SemanticType {
  kUnknown = 0,  // nothing to go on (all null)
  kIdentifier,   // unique (or nearly) integers or codes, or a key by name
  kEmail,
  kPhone,
  kDate,
  kDatetime,
  kMoney,  // decimal amounts with two decimals, or a money-like name over numbers
  kCountryCode,
  kCurrencyCode,
  kUrl,
  kUuid,
  kIban,
  kContainerNumber,  // ISO 6346
  kImoNumber,
  kBoolean,
  kCategory,  // low-cardinality text
  kFreeText,
  kInteger,
  kNumber,
  kText,  // other text
  kBinary,
  // Decided per column (DecideSemanticType) from text shapes that SemanticEvidence counts;
  // ClassifyText never sets their bits.
  kPersonName,  // names of people: full, given or family names
  kAddress,     // street addresses (a street line, or a whole postal address)
};
constexpr int kSemanticTypeCount = 23;

// "identifier", "email", "phone", "date", "datetime", "money", "country_code",
// "currency_code", "url", "uuid", "iban", "container_number", "imo_number", "boolean",
// "category", "free_text", "integer", "number", "text", "binary", "person_name", "address",
// "unknown".
std::string_view SemanticTypeName(SemanticType type);
bool SemanticTypeFromName(std::string_view name, SemanticType* type);

constexpr double kSemanticMinFraction = 0.9;

// Individual validators (exposed for tests).
bool IsValidIso6346(std::string_view text);  // e.g. "CSQU3054383"
bool IsValidImo(std::string_view text);      // "IMO 9074729" or "9074729"
bool IsValidIban(std::string_view text);     // spaces allowed, mod-97 check
bool IsEmail(std::string_view text);
bool IsUrl(std::string_view text);
bool IsUuid(std::string_view text);
bool IsPhone(std::string_view text);
bool IsIsoDate(std::string_view text);        // YYYY-MM-DD
bool IsIsoDatetime(std::string_view text);    // YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±hh:mm]
bool IsCountryCode(std::string_view text);    // ISO 3166-1 alpha-2 or alpha-3, upper case
bool IsCurrencyCode(std::string_view text);   // ISO 4217, upper case
bool IsDecimalAmount(std::string_view text);  // -?digits.dd
bool IsTariffCode(std::string_view text);     // HS / tariff code: NNNN.NN[.NN[NN]]
bool IsSlashedDate(std::string_view text);    // 07/01/1985, 1.2.99, 24-02-1971

// Person names and street addresses (semantic_names.cc). A value alone rarely proves either:
// the column decision combines these shapes with a list of common given names and the column
// name (see DecideSemanticType).
//
// Capitalised words of letters (UTF-8 letters included), with apostrophes, hyphens, periods
// and commas; no digits; a lower-case word only as a particle or a note in parentheses:
// "Maria Anders", "O'Neil, J.", "de Villota", "SMITH", "Paul Deacon (c)"; not "Loving you".
bool IsPersonNameShape(std::string_view text);
// The first word, or the first word after a comma, is a common given name ("Nancy Davolio",
// "Davolio, Nancy"); case-insensitive, ASCII spellings.
bool StartsWithGivenName(std::string_view text);
// An honorific before a name or a suffix after one: "Dr. Karine Farrell", "Mrs. Hanna Willms",
// "Amalia Hudson DDS", "Ellen Ledner III" (a Roman numeral only after two words).
bool HasPersonTitle(std::string_view text);
// A word of the value makes it the name of a thing: an award, a place, a firm, a shop or an
// institution ("Tony Award", "Baltimore County", "FJA Filming"); case-insensitive.
bool NamesAThing(std::string_view text);
enum class AddressShape {
  kNone,
  kNumbered,  // a number and a word ("Mataderos 2312", but also "New York 1")
  kStreet,    // a street word with a number ("Obere Str. 57", "P.O. Box 555"), or ending the
              // value ("Fauntleroy Circus")
};
AddressShape ClassifyAddress(std::string_view text);

// Bit i set when the value fits SemanticType(i).
uint32_t ClassifyText(std::string_view text);

// Counts over one column.
struct SemanticEvidence {
  int64_t non_null = 0;
  int64_t integers = 0;  // stored as INTEGER
  int64_t reals = 0;     // stored as REAL
  int64_t texts = 0;
  int64_t blobs = 0;
  int64_t two_decimal_reals = 0;    // reals with at most two decimals
  int64_t integral_reals = 0;       // reals without a fraction (1.0)
  int64_t cent_reals = 0;           // reals that need exactly two decimals (0.99, not 0.5)
  int64_t unit_interval_reals = 0;  // reals in [0, 1]
  int64_t bool_like = 0;            // 0/1, true/false, yes/no, t/f, y/n
  std::array<int64_t, kSemanticTypeCount> fits{};
  int64_t multi_word = 0;  // text with a space and longer than 30 bytes
  // Text evidence for person names, addresses and unformatted phone numbers.
  int64_t person_shape = 0;        // IsPersonNameShape
  int64_t given_names = 0;         // StartsWithGivenName or HasPersonTitle
  int64_t thing_names = 0;         // NamesAThing
  int64_t street_addresses = 0;    // AddressShape::kStreet
  int64_t numbered_addresses = 0;  // AddressShape::kNumbered
  int64_t long_digit_strings = 0;  // text of 10 to 15 digits (a phone number without separators)

  // Records one non-null value. `type` is the storage class ('i', 'r', 't', 'b'). Text is read
  // without the spaces and line breaks around it; empty text is not recorded (a missing value).
  void Add(char type, std::string_view text, int64_t integer, double real);
};

// Picks the semantic type from the evidence, the column's distinct count (estimated), its name
// and whether it is a declared primary key.
//
// The column name is a hint, never enough alone: a person-name word ("first_name", "Vorname",
// "surname") or a "name" with enough given names makes capitalised words person names (unless,
// without a person-name word, one value in ten names a thing: "Tony Award", "Baltimore
// County"); an address word ("address", "Adresse", "street") lowers the share of
// street-shaped values an address column needs; a phone word ("phone", "Telefon", "fax") makes
// strings of 10 to 15 digits phone numbers; a unit word ("days", "count", "percent", ...) keeps
// a money word ("payment_terms_days") from making a number money.
SemanticType DecideSemanticType(const SemanticEvidence& evidence, int64_t distinct,
                                std::string_view column_name, bool primary_key);

}  // namespace cairn::context

#include "context/semantic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::context {
namespace {

TEST(ValidatorTest, Iso6346CheckDigit) {
  EXPECT_TRUE(IsValidIso6346("CSQU3054383"));
  EXPECT_TRUE(IsValidIso6346("MSKU9070323"));
  EXPECT_FALSE(IsValidIso6346("CSQU3054384"));  // wrong check digit
  EXPECT_FALSE(IsValidIso6346("CSQX3054383"));  // category letter must be U, J or Z
  EXPECT_FALSE(IsValidIso6346("CSQU305438"));
  EXPECT_FALSE(IsValidIso6346("csqu3054383"));
}

TEST(ValidatorTest, ImoAndIban) {
  EXPECT_TRUE(IsValidImo("9074729"));
  EXPECT_TRUE(IsValidImo("IMO 9074729"));
  EXPECT_FALSE(IsValidImo("9074728"));
  EXPECT_FALSE(IsValidImo("907472"));
  EXPECT_TRUE(IsValidIban("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(IsValidIban("DE89370400440532013000"));
  EXPECT_FALSE(IsValidIban("GB82 WEST 1234 5698 7654 33"));
  EXPECT_FALSE(IsValidIban("DE8937040044"));
}

TEST(ValidatorTest, EmailsUrlsUuidsPhones) {
  EXPECT_TRUE(IsEmail("luisg@embraer.com.br"));
  EXPECT_FALSE(IsEmail("not an email@x.com"));
  EXPECT_FALSE(IsEmail("a@b"));
  EXPECT_FALSE(IsEmail("@example.com"));
  EXPECT_TRUE(IsUrl("https://example.com/a?b=c"));
  EXPECT_TRUE(IsUrl("www.example.org"));
  EXPECT_FALSE(IsUrl("example"));
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_TRUE(IsPhone("+49 40 1234567"));
  EXPECT_TRUE(IsPhone("(555) 123-4567"));
  EXPECT_FALSE(IsPhone("12345"));
  EXPECT_FALSE(IsPhone("2009-01-01"));
  EXPECT_FALSE(IsPhone("1234567"));  // a bare number is not a phone number
  // Extensions after the number.
  EXPECT_TRUE(IsPhone("(042)912-3404x5135"));
  EXPECT_TRUE(IsPhone("1-048-214-4640x64380"));
  EXPECT_TRUE(IsPhone("+49 30 1234567 ext. 12"));
  EXPECT_TRUE(IsPhone("555-123-4567 EXT 9"));
  EXPECT_FALSE(IsPhone("1234567x12"));            // still a bare number
  EXPECT_FALSE(IsPhone("555-123-4567x"));         // no extension digits
  EXPECT_FALSE(IsPhone("555-123-4567x1234567"));  // too long for an extension
  EXPECT_FALSE(IsPhone("x1234"));
}

TEST(ValidatorTest, DatesAndCodes) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-13-01"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01 00:00:00"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01T10:20:30.5Z"));
  EXPECT_TRUE(IsIsoDatetime("2009-01-01T10:20+02:00"));
  EXPECT_FALSE(IsIsoDatetime("2009-01-01"));
  EXPECT_TRUE(IsCountryCode("DE"));
  EXPECT_TRUE(IsCountryCode("DEU"));
  EXPECT_FALSE(IsCountryCode("XX"));
  EXPECT_FALSE(IsCountryCode("de"));
  EXPECT_TRUE(IsCurrencyCode("EUR"));
  EXPECT_FALSE(IsCurrencyCode("EUX"));
  EXPECT_TRUE(IsDecimalAmount("-12.50"));
  EXPECT_FALSE(IsDecimalAmount("12.5"));
}

SemanticType Decide(const std::vector<std::string>& texts, const std::string& name = "c") {
  SemanticEvidence e;
  for (const auto& t : texts) e.Add('t', t, 0, 0);
  std::vector<std::string> sorted = texts;
  std::sort(sorted.begin(), sorted.end());
  int64_t distinct = std::unique(sorted.begin(), sorted.end()) - sorted.begin();
  return DecideSemanticType(e, distinct, name, false);
}

TEST(DecideTest, PicksTheSpecificTypeWhenNinetyPercentFit) {
  EXPECT_EQ(Decide({"CSQU3054383", "MSKU9070323", "CSQU3054383"}), SemanticType::kContainerNumber);
  EXPECT_EQ(Decide({"CSQU3054384", "MSKU9070324"}), SemanticType::kText);  // bad check digits
  EXPECT_EQ(Decide({"a@b.de", "c@d.com"}), SemanticType::kEmail);
  EXPECT_EQ(Decide({"EUR", "USD", "EUR", "GBP"}, "currency"), SemanticType::kCurrencyCode);
  EXPECT_EQ(Decide({"DE", "FR", "NL", "DE"}), SemanticType::kCountryCode);
  EXPECT_EQ(Decide({"2020-01-01", "2021-05-06"}), SemanticType::kDate);
  std::vector<std::string> words;
  for (int i = 0; i < 100; ++i) words.push_back(i % 2 ? "open" : "closed");
  EXPECT_EQ(Decide(words), SemanticType::kCategory);
  EXPECT_EQ(Decide({"This is a rather long description of something",
                    "Another long sentence "
                    "that goes on and on"}),
            SemanticType::kFreeText);
  EXPECT_EQ(Decide({"yes", "no", "yes"}), SemanticType::kBoolean);
  EXPECT_EQ(Decide({}), SemanticType::kUnknown);
}

TEST(DecideTest, NumbersIdentifiersAndMoney) {
  SemanticEvidence ids;
  for (int i = 1; i <= 100; ++i) ids.Add('i', std::to_string(i), i, 0);
  EXPECT_EQ(DecideSemanticType(ids, 100, "CustomerId", false), SemanticType::kIdentifier);
  EXPECT_EQ(DecideSemanticType(ids, 100, "quantity", false), SemanticType::kInteger);
  SemanticEvidence prices;
  for (double p : {0.99, 1.99, 0.99, 12.5}) prices.Add('r', "", 0, p);
  EXPECT_EQ(DecideSemanticType(prices, 3, "UnitPrice", false), SemanticType::kMoney);
  SemanticEvidence reals;
  for (double p : {0.123, 1.456, 7.891}) reals.Add('r', "", 0, p);
  EXPECT_EQ(DecideSemanticType(reals, 3, "ratio", false), SemanticType::kNumber);
  SemanticEvidence flags;
  for (int i = 0; i < 10; ++i) flags.Add('i', std::to_string(i % 2), i % 2, 0);
  EXPECT_EQ(DecideSemanticType(flags, 2, "active", false), SemanticType::kBoolean);
  EXPECT_EQ(DecideSemanticType(flags, 2, "genre_id", false), SemanticType::kIdentifier);
}

TEST(ValidatorTest, TariffCodesAreNotPhones) {
  EXPECT_TRUE(IsTariffCode("8528.72.40"));
  EXPECT_TRUE(IsTariffCode("0207.14.10"));
  EXPECT_TRUE(IsTariffCode("8471.30"));
  EXPECT_TRUE(IsTariffCode("8471.30.1000"));
  EXPECT_FALSE(IsTariffCode("8471.3"));
  EXPECT_FALSE(IsTariffCode("8471.30."));
  EXPECT_FALSE(IsTariffCode("847.130.00"));
  EXPECT_FALSE(IsTariffCode("40.32.21.20"));
  EXPECT_FALSE(IsTariffCode(""));
  EXPECT_FALSE(IsPhone("8528.72.40"));
  EXPECT_FALSE(IsPhone("0207.14.10"));
  EXPECT_TRUE(IsPhone("40.32.21.20"));  // a French number written with periods
  EXPECT_TRUE(IsPhone("030-0074321"));
}

TEST(ValidatorTest, SlashedDatesAreNotPhones) {
  EXPECT_TRUE(IsSlashedDate("07/01/1985"));
  EXPECT_TRUE(IsSlashedDate("1.2.99"));
  EXPECT_TRUE(IsSlashedDate("24-02-1971"));
  EXPECT_FALSE(IsSlashedDate("07/01-1985"));  // mixed separators
  EXPECT_FALSE(IsSlashedDate("030-0074321"));
  EXPECT_FALSE(IsSlashedDate("7/1"));
  EXPECT_FALSE(IsSlashedDate("07/01/198"));
  EXPECT_FALSE(IsSlashedDate(""));
  EXPECT_FALSE(IsPhone("07/01/1985"));
  EXPECT_FALSE(IsPhone("24.02.1971"));
  EXPECT_TRUE(IsPhone("(5) 555-4729"));
}

TEST(ValidatorTest, PersonNameShapes) {
  EXPECT_TRUE(IsPersonNameShape("Maria Anders"));
  EXPECT_TRUE(IsPersonNameShape("O'Neil, J."));
  EXPECT_TRUE(IsPersonNameShape("de Villota"));
  EXPECT_TRUE(IsPersonNameShape("SMITH"));
  EXPECT_TRUE(IsPersonNameShape("Gonçalves"));
  EXPECT_TRUE(IsPersonNameShape("Jean-Luc"));
  EXPECT_TRUE(IsPersonNameShape("Vincent van Gogh"));    // a particle
  EXPECT_TRUE(IsPersonNameShape("Paul Deacon (c)"));     // a note in parentheses
  EXPECT_FALSE(IsPersonNameShape("How to cook pasta"));  // lower-case words make a phrase
  EXPECT_FALSE(IsPersonNameShape("Loving you"));
  EXPECT_FALSE(IsPersonNameShape("smith"));     // nothing capitalised
  EXPECT_FALSE(IsPersonNameShape("Room 101"));  // digits
  EXPECT_FALSE(IsPersonNameShape("a@b.de"));    // other punctuation
  EXPECT_FALSE(IsPersonNameShape(""));
  EXPECT_FALSE(IsPersonNameShape(std::string(81, 'A')));
  EXPECT_TRUE(StartsWithGivenName("Nancy Davolio"));
  EXPECT_TRUE(StartsWithGivenName("Davolio, Nancy"));
  EXPECT_TRUE(StartsWithGivenName("MARY"));
  EXPECT_FALSE(StartsWithGivenName("Davolio"));
  EXPECT_FALSE(StartsWithGivenName("Speedy Express"));
  EXPECT_FALSE(StartsWithGivenName(""));
  EXPECT_TRUE(HasPersonTitle("Dr. Karine Farrell"));
  EXPECT_TRUE(HasPersonTitle("MRS Hanna Willms"));
  EXPECT_TRUE(HasPersonTitle("Amalia Hudson DDS"));
  EXPECT_TRUE(HasPersonTitle("Roberts, Jr."));
  EXPECT_TRUE(HasPersonTitle("Ellen Ledner III"));
  EXPECT_FALSE(HasPersonTitle("Rocky IV"));  // a numeral after one word
  EXPECT_FALSE(HasPersonTitle("Dr."));       // a title alone
  EXPECT_FALSE(HasPersonTitle("Drake Hotel"));
  EXPECT_FALSE(HasPersonTitle("Baltimore MD"));
  EXPECT_TRUE(NamesAThing("Tony Award"));
  EXPECT_TRUE(NamesAThing("Baltimore County"));
  EXPECT_TRUE(NamesAThing("Pavlova, Ltd."));
  EXPECT_TRUE(NamesAThing("Café Anna"));
  EXPECT_FALSE(NamesAThing("Jerry Hall"));  // family names that are also words stay people
  EXPECT_FALSE(NamesAThing("Linda Park"));
  EXPECT_FALSE(NamesAThing(""));
}

TEST(ValidatorTest, AddressShapes) {
  EXPECT_EQ(ClassifyAddress("Obere Str. 57"), AddressShape::kStreet);
  EXPECT_EQ(ClassifyAddress("Theodor-Heuss-Straße 34"), AddressShape::kStreet);
  EXPECT_EQ(ClassifyAddress("11120 Jasper Ave NW"), AddressShape::kStreet);
  EXPECT_EQ(ClassifyAddress("P.O. Box 555"), AddressShape::kStreet);
  EXPECT_EQ(ClassifyAddress("Fauntleroy Circus"), AddressShape::kStreet);
  EXPECT_EQ(ClassifyAddress("Mataderos 2312"), AddressShape::kNumbered);
  EXPECT_EQ(ClassifyAddress("New York 1"), AddressShape::kNumbered);
  EXPECT_EQ(ClassifyAddress("Berlin"), AddressShape::kNone);
  EXPECT_EQ(ClassifyAddress("12345"), AddressShape::kNone);
  EXPECT_EQ(ClassifyAddress(""), AddressShape::kNone);
  EXPECT_EQ(ClassifyAddress("St. Helena"), AddressShape::kNone);  // a saint, not a street
}

TEST(DecideTest, TariffCodeColumnIsNotPhone) {
  // The demo's customs declarations: HS codes repeat over the goods.
  std::vector<std::string> codes;
  for (int i = 0; i < 60; ++i) {
    codes.push_back(i % 3 == 0 ? "8528.72.40" : i % 3 == 1 ? "0207.14.10" : "8471.30.00");
  }
  EXPECT_EQ(Decide(codes, "hs_code"), SemanticType::kCategory);
  EXPECT_EQ(Decide(codes, "tariff"), SemanticType::kCategory);
}

TEST(DecideTest, DayCountsAreNotMoney) {
  SemanticEvidence days;
  for (int i = 0; i < 40; ++i) days.Add('i', i % 3 ? "30" : "14", i % 3 ? 30 : 14, 0);
  EXPECT_EQ(DecideSemanticType(days, 2, "payment_terms_days", false), SemanticType::kInteger);
  EXPECT_EQ(DecideSemanticType(days, 2, "PaymentTermsDays", false), SemanticType::kInteger);
  EXPECT_EQ(DecideSemanticType(days, 2, "payment_count", false), SemanticType::kInteger);
  // A money word without a unit still makes integral numbers money.
  EXPECT_EQ(DecideSemanticType(days, 2, "payment", false), SemanticType::kMoney);
  SemanticEvidence credits;
  for (int i = 0; i < 40; ++i) credits.Add('i', std::to_string(i), i, 0);
  EXPECT_EQ(DecideSemanticType(credits, 40, "total_credits", false), SemanticType::kInteger);
  EXPECT_EQ(DecideSemanticType(credits, 40, "total", false), SemanticType::kMoney);
}

TEST(DecideTest, AmountsNeedCentsOrAMoneyWord) {
  auto reals = [](std::initializer_list<double> values) {
    SemanticEvidence e;
    for (double v : values) e.Add('r', "", 0, v);
    return e;
  };
  // Weights and points with at most one decimal are numbers; prices with cents are money.
  EXPECT_EQ(DecideSemanticType(reals({142.5, 137.5, 140.0, 130.0}), 4, "gesamt", false),
            SemanticType::kNumber);
  EXPECT_EQ(DecideSemanticType(reals({12.99, 4.99, 0.99, 20.0}), 4, "c", false),
            SemanticType::kMoney);
  // Fractions of one (discounts, rates) are not money without a money word.
  EXPECT_EQ(DecideSemanticType(reals({0.15, 0.25, 0.05, 0.1}), 4, "Discount", false),
            SemanticType::kNumber);
  // A unit word wins over the cents.
  EXPECT_EQ(DecideSemanticType(reals({10.0, 8.25, 6.5, 3.14}), 4, "punkte", false),
            SemanticType::kNumber);
  EXPECT_EQ(DecideSemanticType(reals({10.0, 8.25, 6.5, 3.14}), 4, "price", false),
            SemanticType::kMoney);
}

TEST(DecideTest, PhoneNumbersWithoutSeparatorsNeedAPhoneName) {
  std::vector<std::string> numbers = {"14033335568", "6172235589", "28303384290", "491271355190",
                                      "44224380125"};
  EXPECT_EQ(Decide(numbers, "telefon"), SemanticType::kPhone);
  EXPECT_EQ(Decide(numbers, "HomePhone"), SemanticType::kPhone);
  EXPECT_EQ(Decide(numbers, "kundentelefon"), SemanticType::kPhone);
  EXPECT_EQ(Decide(numbers, "quantity"), SemanticType::kInteger);
  EXPECT_EQ(Decide(numbers, "phone_id"), SemanticType::kIdentifier);
  EXPECT_EQ(Decide(numbers, "hotel"), SemanticType::kInteger);  // "tel" inside a word
  EXPECT_EQ(Decide({"12345", "67890", "13579"}, "phone"), SemanticType::kInteger);  // too short
}

// Phone-shaped numbers under a key's name are numbers of things (a locomotive's 1975-7006);
// compounds that name a phone keep it one.
TEST(DecideTest, PhoneShapesUnderAKeysNameAreIdentifiers) {
  std::vector<std::string> serials = {"1975-7006", "1975-7018", "1978-7025", "1976-7001",
                                      "2008-7159"};
  EXPECT_EQ(Decide(serials, "objektnummer"), SemanticType::kIdentifier);
  EXPECT_EQ(Decide(serials, "number_plate_no"), SemanticType::kIdentifier);
  std::vector<std::string> phones = {"(276)811-3636", "+49 40 123456", "555-0123-456",
                                     "1-800-555-0199", "030 1234567"};
  EXPECT_EQ(Decide(phones, "c"), SemanticType::kPhone);
  for (const char* name : {"telefonnummer", "handynummer", "kontaktnummer", "mobile_number",
                           "contact_number", "fax_nummer", "phone_no"}) {
    EXPECT_EQ(Decide(phones, name), SemanticType::kPhone) << name;
  }
  EXPECT_EQ(Decide(phones, "kundennummer"), SemanticType::kIdentifier);
}

// Text that reads as decimals is a number, unless a key's name says it is a code: college_3's
// courses are "050.102", "050.109" (their leading zero no number has).
TEST(DecideTest, DecimalTextUnderAKeysNameIsACode) {
  std::vector<std::string> courses = {"050.102", "050.109", "050.203", "600.101", "600.226"};
  EXPECT_EQ(Decide(courses, "kurs_id"), SemanticType::kIdentifier);
  EXPECT_EQ(Decide(courses, "course_code"), SemanticType::kIdentifier);
  EXPECT_EQ(Decide(courses, "gewicht"), SemanticType::kNumber);
  SemanticEvidence e;
  for (const auto& c : courses) e.Add('t', c, 0, 0);
  EXPECT_EQ(DecideSemanticType(e, 5, "c", /*primary_key=*/true), SemanticType::kIdentifier);
}

// Text is read without the spaces and line breaks around it, and empty text is a missing value.
TEST(DecideTest, EmptyTextIsMissingAndSpacesAroundAValueDoNotCount) {
  EXPECT_EQ(Decide({"ts@richest.com", "Mary@yale.edu", "susan@gmail.com\n", "", "  ",
                    "np@superstar.com"}),
            SemanticType::kEmail);
  EXPECT_EQ(Decide({"", " ", "\t"}), SemanticType::kUnknown);
  SemanticEvidence e;
  e.Add('t', " 42\n", 0, 0);
  e.Add('t', "", 0, 0);
  EXPECT_EQ(e.non_null, 1);
  EXPECT_EQ(e.texts, 1);
}

TEST(DecideTest, PersonNames) {
  EXPECT_EQ(Decide({"Geovany", "Jailyn", "Ericka", "Vergie", "Reba"}, "vorname"),
            SemanticType::kPersonName);
  EXPECT_EQ(Decide({"Homenick", "Gerlach", "Greenholt", "Nicolas"}, "LastName"),
            SemanticType::kPersonName);
  std::vector<std::string> contacts = {"Maria Anders",       "Ana Trujillo", "Thomas Hardy",
                                       "Christina Berglund", "Hanna Moos",   "Frédérique Citeaux"};
  EXPECT_EQ(Decide(contacts, "ContactName"), SemanticType::kPersonName);
  EXPECT_EQ(Decide(contacts, "c"), SemanticType::kPersonName);  // given names suffice
  // Capitalised words that are not people.
  std::vector<std::string> companies = {"Speedy Express", "United Package", "Federal Shipping",
                                        "Exotic Liquids", "Tokyo Traders",  "Pavlova Ltd."};
  EXPECT_NE(Decide(companies, "CompanyName"), SemanticType::kPersonName);
  std::vector<std::string> cities = {"Berlin", "London", "Madrid", "Lisboa", "Graz", "Sevilla"};
  EXPECT_NE(Decide(cities, "City"), SemanticType::kPersonName);
  // Things named after people: awards, counties, shops. One value in ten naming a thing is
  // enough; a person-name word in the column name still decides.
  std::vector<std::string> awards = {"Tony Award", "Laurence Olivier Award", "Tony Award",
                                     "Tony Award"};
  EXPECT_NE(Decide(awards, "preis"), SemanticType::kPersonName);
  std::vector<std::string> counties = {"Howard",  "Baltimore County", "Carroll", "Frederick",
                                       "Harford", "Allegany",         "Charles", "Kent"};
  EXPECT_NE(Decide(counties, "county_name"), SemanticType::kPersonName);
  std::vector<std::string> shops = {"Rob Dinning",   "Fred Dinning", "Ann Photo",  "Ewi Filming",
                                    "Carol Studios", "Adam Photo",   "Tim Dinning"};
  EXPECT_NE(Decide(shops, "shop_name"), SemanticType::kPersonName);
  std::vector<std::string> people = {"Jerry Hall", "Linda Park", "Anna Church", "Tom Wood",
                                     "Maria Field"};
  EXPECT_EQ(Decide(people, "name"), SemanticType::kPersonName);
  std::vector<std::string> owners = {"Anna Schmidt", "Bernd Kaiser", "Acme Inc.", "Claus Berg"};
  EXPECT_EQ(Decide(owners, "contact_name"), SemanticType::kPersonName);
  // Titles of songs and shows, a few starting with a given name, are no people; a team with
  // one is none either.
  std::vector<std::string> works = {
      "Indonesian Idol", "I Know", "Loving you", "Why", "Boys", "Cats",
      "Daniel Mananta",  "Martin", "Back Home"};
  EXPECT_NE(Decide(works, "name"), SemanticType::kPersonName);
  std::vector<std::string> documents = {"Learning English", "David CV",          "John CV",
                                        "Joe CV",           "How to cook pasta", "Summer Sails",
                                        "Winter Sails",     "Learning Japanese", "Fall Sails"};
  EXPECT_NE(Decide(documents, "dokumentname"), SemanticType::kPersonName);
  // A person-name column name does not make numbers or codes names.
  EXPECT_NE(Decide({"A1", "B2", "C3"}, "first_name"), SemanticType::kPersonName);
}

TEST(DecideTest, Addresses) {
  std::vector<std::string> streets = {"Obere Str. 57",   "Avda. de la Constitución 2222",
                                      "120 Hanover Sq.", "Kirchgasse 6",
                                      "P.O. Box 555",    "Walserweg 21"};
  EXPECT_EQ(Decide(streets, "c"), SemanticType::kAddress);
  std::vector<std::string> numbered = {"660 Shea Crescent", "254 Ottilie Junction",
                                       "88271 Barrows Union", "14034 Kohler Drive",
                                       "3374 Sarina Manor"};
  EXPECT_EQ(Decide(numbered, "adresse"), SemanticType::kAddress);
  // Numbers and words without an address name or street words are not addresses.
  std::vector<std::string> lines = {"Terminal handling, 5 container(s)", "Reefer power, 4 day(s)",
                                    "Storage, 12 day(s)", "New York 1", "Export handling 2"};
  EXPECT_NE(Decide(lines, "description"), SemanticType::kAddress);
  EXPECT_NE(Decide({"Berlin", "Hamburg", "Bremen"}, "address"), SemanticType::kAddress);
}

TEST(SemanticTypeNameTest, RoundTrips) {
  for (int i = 0; i < kSemanticTypeCount; ++i) {
    SemanticType t = static_cast<SemanticType>(i), back;
    ASSERT_TRUE(SemanticTypeFromName(SemanticTypeName(t), &back));
    EXPECT_EQ(back, t);
  }
  SemanticType t;
  EXPECT_FALSE(SemanticTypeFromName("nonsense", &t));
}

}  // namespace
}  // namespace cairn::context

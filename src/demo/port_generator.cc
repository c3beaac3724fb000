// GeneratePortModel: draws the whole demo port from one seed.
//
// Order matters for determinism: every random draw happens in a fixed order, and no draw
// depends on hash-table iteration or on addresses.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "demo/internal/port_model.h"
#include "demo/iso6346.h"

namespace cairn::demo {
namespace {

constexpr std::string_view kPortCode = "ZZCRN";  // Cairnhaven, a user-assigned UN/LOCODE

int64_t Percent(int64_t n, int percent) { return std::max<int64_t>(1, (n * percent + 50) / 100); }

// Midnight (UTC) of the day containing t.
int64_t DayOf(int64_t t) { return t - ((t % kDay) + kDay) % kDay; }

struct Country {
  std::string_view code;
  uint64_t weight;
  std::vector<std::string_view> legal_forms;
  std::vector<std::string_view> cities;
};

const std::vector<Country>& Countries() {
  static const std::vector<Country> kCountries = {
      {"DE", 35, {"GmbH", "GmbH & Co. KG", "AG", "GmbH"}, {"Hamburg", "Bremen", "Duisburg"}},
      {"NL", 14, {"B.V."}, {"Rotterdam", "Venlo"}},
      {"FR", 9, {"SARL", "SAS"}, {"Le Havre", "Lyon"}},
      {"PL", 8, {"Sp. z o.o."}, {"Gdańsk", "Łódź"}},
      {"SE", 6, {"AB"}, {"Göteborg"}},
      {"DK", 5, {"A/S"}, {"Aarhus"}},
      {"IT", 6, {"S.r.l.", "S.p.A."}, {"Genova", "Milano"}},
      {"GB", 8, {"Ltd", "Limited", "PLC"}, {"Felixstowe", "Manchester"}},
      {"CZ", 4, {"s.r.o."}, {"Praha"}},
      {"AT", 5, {"GmbH"}, {"Wien", "Linz"}},
  };
  return kCountries;
}

std::string VatNumber(std::string_view country, Rng& rng) {
  const int64_t n = rng.Range(100000000, 999999999);
  if (country == "NL") return fmt::format("NL{}B01", n);
  if (country == "FR") return fmt::format("FR{:02d}{}", rng.Range(10, 99), n);
  if (country == "AT") return fmt::format("ATU{:08d}", n % 100000000);
  if (country == "IT") return fmt::format("IT{:011d}", n * 100 + rng.Range(0, 99));
  if (country == "PL") return fmt::format("PL{:010d}", n * 10 + rng.Range(0, 9));
  if (country == "SE") return fmt::format("SE{}01", n * 10 + rng.Range(0, 9));
  if (country == "DK") return fmt::format("DK{:08d}", n % 100000000);
  return fmt::format("{}{}", country, n);
}

// A bank account number (BBAN) in the national format of the SWIFT IBAN registry: `9` stands
// for a digit, `A` for a capital letter, `C` for either. National check digits inside the BBAN
// (the French RIB key, the Italian CIN, ...) are not computed.
std::string_view BbanPattern(std::string_view country) {
  if (country == "DE") return "999999999999999999";        // bank code 8, account 10
  if (country == "NL") return "AAAA9999999999";            // bank 4 letters, account 10
  if (country == "FR") return "9999999999CCCCCCCCCCC99";   // bank 5, branch 5, account 11, key 2
  if (country == "PL") return "999999999999999999999999";  // bank and branch 8, account 16
  if (country == "SE") return "99999999999999999999";      // bank 3, account 17
  if (country == "DK") return "99999999999999";            // bank 4, account 10
  if (country == "IT") return "A9999999999CCCCCCCCCCCC";   // CIN, ABI 5, CAB 5, account 12
  if (country == "GB") return "AAAA99999999999999";        // bank 4 letters, sort code 6, account 8
  if (country == "CZ") return "99999999999999999999";      // bank 4, prefix 6, account 10
  if (country == "AT") return "9999999999999999";          // bank 5, account 11
  return "";
}

// An IBAN (ISO 13616) of `country` with correct check digits, electronic format (no spaces).
std::string Iban(std::string_view country, Rng& rng) {
  static constexpr std::string_view kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string bban;
  for (char kind : BbanPattern(country)) {
    const bool letter = kind == 'A' || (kind == 'C' && rng.PerMille(100));
    bban += letter ? kLetters[rng.Below(26)] : static_cast<char>('0' + rng.Below(10));
  }
  // Check digits: 98 - (BBAN + country + "00" as a number, letters as 10..35) mod 97.
  int remainder = 0;
  for (char c : bban + std::string(country) + "00") {
    if (c >= '0' && c <= '9') {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
  }
  return fmt::format("{}{:02d}{}", country, 98 - remainder, bban);
}

class Generator {
 public:
  // Bank accounts draw from a stream of their own, so that adding them left every other value
  // of a seed's port as it was.
  Generator(uint64_t seed, int containers)
      : rng_(seed), bank_rng_(seed ^ 0x1BA4'0000'0000'0000ULL), target_containers_(containers) {}

  PortModel Run() {
    MakeLines();
    MakeVessels();
    MakeVoyages();
    MakeCustomers();
    MakeShippers();
    MakeImports();
    PlantProblems();
    ImportTimelines();
    MakeExports();
    FinishMoves();
    FinishFinance();
    CollectProblems();
    return std::move(model_);
  }

 private:
  // A document number `pattern` (with one {} for `prefix` and one for a random 7-digit
  // number) not handed out before.
  std::string UniqueId(fmt::format_string<std::string_view, int64_t> pattern,
                       std::string_view prefix) {
    for (;;) {
      const int64_t number = rng_.Range(1, 9999999);
      std::string id = fmt::vformat(pattern, fmt::make_format_args(prefix, number));
      if (used_ids_.insert(id).second) return id;
    }
  }

  // ---- reference data ------------------------------------------------------------------

  void MakeLines() {
    model_.lines = {
        {"NSL", "Nordic Star Line", "NSL", 30},
        {"PCS", "Pacific Crest Shipping", "PCR", 20},
        {"HCL", "Hanseatic Container Line", "HCX", 15},
        {"MOL", "Meridian Ocean Lines", "MRD", 12},
        {"BAL", "Blue Anchor Lines", "BAQ", 8},
        {"OGS", "Orient Gateway Shipping", "OGX", 7},
        {"ATM", "Atlas Marine Carriers", "ATK", 5},
        {"CFS", "Cormorant Feeder Services", "CMF", 3},
    };
    for (const auto& line : model_.lines) line_weights_.push_back(line.weight);
  }

  void MakeVessels() {
    static const std::string_view kPrefixes[] = {"NORDIC", "PACIFIC", "HANSA", "MERIDIAN",
                                                 "BLUE",   "ORIENT",  "ATLAS", "CORMORANT"};
    static const std::vector<std::string_view> kNames = {
        "AURORA", "BREEZE",   "CASTOR",  "DAWN",    "EMERALD", "FALCON",  "GLORY", "HARMONY",
        "IRIS",   "JADE",     "KESTREL", "LIBERTY", "MERCURY", "NEPTUNE", "OPAL",  "PIONEER",
        "QUEST",  "RADIANCE", "SIRIUS",  "TRIDENT", "UNITY",   "VEGA",    "WAVE",  "ZEPHYR"};
    static const std::vector<std::string_view> kFlags = {"PA", "LR", "MH", "MT", "SG",
                                                         "DE", "DK", "HK", "PT", "CY"};
    const int count = static_cast<int>(std::clamp(target_containers_ / 75, 8, 40));
    std::set<int64_t> imos;
    std::set<std::string> names;
    for (size_t i = 0; i < model_.lines.size() && static_cast<int>(model_.vessels.size()) < count;
         ++i) {
      AddVessel(i, kPrefixes[i], kNames, kFlags, &imos, &names);  // every line has a vessel
    }
    while (static_cast<int>(model_.vessels.size()) < count) {
      const size_t line = rng_.Weighted(line_weights_);
      AddVessel(line, kPrefixes[line], kNames, kFlags, &imos, &names);
    }
  }

  void AddVessel(size_t line, std::string_view prefix, const std::vector<std::string_view>& names,
                 const std::vector<std::string_view>& flags, std::set<int64_t>* imos,
                 std::set<std::string>* used) {
    Vessel v;
    v.line = line;
    for (int tries = 0;; ++tries) {
      v.name = fmt::format("{} {}", prefix, rng_.Pick(names));
      if (tries >= 64) v.name += fmt::format(" {}", used->size());  // names used up
      if (used->insert(v.name).second) break;
    }
    do {
      const std::string first6 = fmt::format("{}", rng_.Range(900000, 979999));
      v.imo = std::stoll(first6) * 10 + (ImoCheckDigit(first6) - '0');
    } while (!imos->insert(v.imo).second);
    v.flag = std::string(rng_.Pick(flags));
    const bool feeder = model_.lines[line].code == "CFS" || rng_.PerMille(200);
    v.teu = static_cast<int>(feeder ? rng_.Range(8, 30) * 100 : rng_.Range(40, 200) * 100);
    v.built = static_cast<int>(rng_.Range(2004, 2024));
    model_.vessels.push_back(std::move(v));
  }

  void MakeVoyages() {
    const int count = std::clamp(target_containers_ / 20, 20, 150);
    const int future = std::max(2, count / 15);
    std::vector<int64_t> etas;
    for (int i = 0; i < count; ++i) {
      if (i < future) {
        etas.push_back(kAsOfTime + rng_.Range(2 * kHour, 6 * kDay));
      } else {
        etas.push_back(kWindowStart + rng_.Range(12 * kHour, 55 * kDay));
      }
    }
    std::sort(etas.begin(), etas.end());
    std::vector<int64_t> vessel_free(model_.vessels.size(), 0);
    std::vector<int64_t> berth_free(6, 0);
    std::vector<int> line_seq(model_.lines.size(), 0);
    for (size_t i = 0; i < model_.lines.size(); ++i) {
      line_seq[i] = static_cast<int>(rng_.Range(100, 600));
    }
    std::vector<uint64_t> vessel_weights;
    for (const auto& v : model_.vessels) vessel_weights.push_back(model_.lines[v.line].weight);
    for (int64_t eta : etas) {
      Voyage voyage;
      voyage.id = static_cast<int64_t>(model_.voyages.size()) + 1;
      size_t vessel = rng_.Weighted(vessel_weights);
      for (int tries = 0; tries < 8 && vessel_free[vessel] > eta; ++tries) {
        vessel = rng_.Weighted(vessel_weights);
      }
      voyage.vessel = vessel;
      const size_t line = model_.vessels[vessel].line;
      voyage.voyage_no = fmt::format("{}{}{}", model_.lines[line].code, line_seq[line]++,
                                     rng_.PerMille(500) ? 'W' : 'E');
      voyage.eta = eta;
      const int64_t stay = rng_.Range(14, 30) * kHour;
      voyage.etd = eta + stay;
      int64_t arrive = eta, depart = voyage.etd;
      if (eta < kAsOfTime) {
        voyage.ata = eta + rng_.Range(-6, 18) * kHour + rng_.Range(0, 59) * 60;
        voyage.atd = voyage.ata + stay + rng_.Range(-2, 8) * kHour + rng_.Range(0, 59) * 60;
        arrive = voyage.ata;
        depart = voyage.atd;
      }
      size_t berth = 0;
      for (size_t b = 1; b < berth_free.size(); ++b) {
        const bool free_b = berth_free[b] <= arrive, free_best = berth_free[berth] <= arrive;
        if (free_b != free_best ? free_b : berth_free[b] < berth_free[berth]) berth = b;
      }
      berth_free[berth] = depart + 2 * kHour;
      voyage.berth = fmt::format("B{}", berth + 1);
      vessel_free[vessel] = depart + 5 * kDay;
      model_.voyages.push_back(std::move(voyage));
    }
  }

  void MakeCustomers() {
    static const std::vector<std::string_view> kStems = {
        "Nordwind", "Baltic",      "Rheinland",    "Orion",      "Sunrise", "Delta",    "Kestrel",
        "Schröder", "Hoffmann",    "Van der Berg", "De Vries",   "Dubois",  "Lefèvre",  "García",
        "Åkesson",  "Lindqvist",   "Nowak",        "Wiśniewski", "Rossi",   "Bianchi",  "O'Brien",
        "Patel",    "Harbourside", "Elbe",         "Alster",     "Weser",   "Meridian", "Polaris",
        "Zenith",   "Bergmann",    "Köhler",       "Novak",      "Costa",   "Ferreira", "Jansen",
        "Bakker",   "Larsen",      "Nielsen",      "Andersson",  "Keller",  "Fischer",  "Weber",
        "Wagner",   "Becker",      "Schulz",       "Brandt",     "Vogel",   "Krüger",   "Lorenz"};
    static const std::vector<std::string_view> kActivities = {
        "Trading",      "Logistics", "Import",           "Foods",     "Textiles",
        "Electronics",  "Machinery", "Chemicals",        "Furniture", "Retail",
        "Distribution", "Wholesale", "Automotive Parts", "Beverages", "International"};
    static const std::vector<std::string_view> kGermanActivities = {"Logistik", "Handel",
                                                                    "Spedition", "Handels"};
    const int count = std::clamp(target_containers_ / 25, 20, 120);
    std::set<std::string> used;
    std::vector<uint64_t> country_weights;
    for (const auto& c : Countries()) country_weights.push_back(c.weight);
    // A few fixed names first: they are the largest customers and exercise CSV quoting.
    const std::pair<std::string_view, std::string_view> kFixed[] = {
        {"Acme Trading GmbH", "DE"},
        {"Müller Logistik GmbH, Hamburg", "DE"},
        {"Van Dijk Fresh Foods B.V.", "NL"},
        {"Delikatessen \"Zur Elbe\" GmbH", "DE"},
        {"Société Lyonnaise d'Import SAS", "FR"},
    };
    for (const auto& [name, country] : kFixed) {
      if (static_cast<int>(model_.customers.size()) >= count) break;
      used.insert(std::string(name));
      AddCustomer(std::string(name), country);
    }
    while (static_cast<int>(model_.customers.size()) < count) {
      const Country& country = Countries()[rng_.Weighted(country_weights)];
      const std::string_view activity = country.code == "DE" && rng_.PerMille(400)
                                            ? rng_.Pick(kGermanActivities)
                                            : rng_.Pick(kActivities);
      std::string name =
          fmt::format("{} {} {}", rng_.Pick(kStems), activity, rng_.Pick(country.legal_forms));
      if (rng_.PerMille(120)) name += fmt::format(", {}", rng_.Pick(country.cities));
      if (!used.insert(name).second) continue;
      AddCustomer(std::move(name), country.code);
    }
    // Zipf-like sizes: customer i has weight 1/(i+1).
    for (size_t i = 0; i < model_.customers.size(); ++i)
      customer_weights_.push_back(1000000 / (i + 1));
  }

  void AddCustomer(std::string name, std::string_view country) {
    Customer c;
    c.id = 10001 + static_cast<int64_t>(model_.customers.size());
    c.country = std::string(country);
    c.vat_number = VatNumber(country, rng_);
    c.email =
        fmt::format("{}@{}.example", rng_.PerMille(500) ? "accounts" : "ap", CompanySlug(name));
    c.currency = country == "GB" && rng_.PerMille(500) ? "USD" : "EUR";
    c.payment_terms_days = rng_.PerMille(400) ? 14 : 30;
    c.iban = Iban(country, bank_rng_);
    c.name = std::move(name);
    model_.customers.push_back(std::move(c));
  }

  struct Shipper {
    std::string name;
    std::string_view port;
  };

  void MakeShippers() {
    struct Origin {
      std::string_view city, port, form;
    };
    static const std::vector<Origin> kOrigins = {{"Ningbo", "CNNGB", "Co., Ltd."},
                                                 {"Shenzhen", "CNYTN", "Co., Ltd."},
                                                 {"Qingdao", "CNTAO", "Co., Ltd."},
                                                 {"Xiamen", "CNXMN", "Co., Ltd."},
                                                 {"Ho Chi Minh City", "VNSGN", "JSC"},
                                                 {"Haiphong", "VNHPH", "JSC"},
                                                 {"Busan", "KRPUS", "Co., Ltd."},
                                                 {"Kaohsiung", "TWKHH", "Corp."},
                                                 {"Mumbai", "INNSA", "Pvt. Ltd."},
                                                 {"Chennai", "INMAA", "Pvt. Ltd."},
                                                 {"Jakarta", "IDJKT", "PT"},
                                                 {"Port Klang", "MYPKG", "Sdn. Bhd."},
                                                 {"Laem Chabang", "THLCH", "Co., Ltd."},
                                                 {"Izmir", "TRIZM", "A.Ş."},
                                                 {"Santos", "BRSSZ", "Ltda."}};
    static const std::vector<std::string_view> kStems = {
        "Hengda",     "Golden Bridge", "Sunlight",  "Jinhai",       "Minh Phát", "Dragon Gate",
        "Lotus",      "Bright Ocean",  "Hanil",     "Sejin",        "Anand",     "Sree Lakshmi",
        "Sinar Jaya", "Everbright",    "Tân Thành", "Silver Crane", "Yıldız",    "Horizonte"};
    static const std::vector<std::string_view> kGoodsWords = {
        "Textile", "Electronics", "Furniture", "Industrial", "Foodstuff", "Plastics", "Garments"};
    std::set<std::string> used;
    while (shippers_.size() < 40) {
      const Origin& origin = rng_.Pick(kOrigins);
      const std::string_view stem = rng_.Pick(kStems);
      const std::string_view goods = rng_.Pick(kGoodsWords);
      std::string name = origin.form == "PT"
                             ? fmt::format("PT {} {}", stem, goods)
                             : fmt::format("{} {} {} {}", origin.city, stem, goods, origin.form);
      if (!used.insert(name).second) continue;
      shippers_.push_back({std::move(name), origin.port});
    }
  }

  // ---- containers ----------------------------------------------------------------------

  std::string NewContainerNumber(size_t line) {
    static const std::vector<std::string_view> kLessors = {"CRN", "TXL", "GBZ", "SEC"};
    for (;;) {
      const std::string owner =
          rng_.PerMille(750) ? model_.lines[line].owner_code : std::string(rng_.Pick(kLessors));
      const std::string first10 = fmt::format("{}U{:06d}", owner, rng_.Range(0, 999999));
      std::string number = first10 + Iso6346CheckDigit(first10);
      if (used_numbers_.insert(number).second) return number;
    }
  }

  void FillBox(Container& c) {
    static const std::vector<std::string_view> kTypes = {"22G1", "45G1", "42G1", "22R1",
                                                         "45R1", "22U1", "22T1"};
    static const std::vector<uint64_t> kTypeWeights = {450, 350, 80, 30, 60, 15, 15};
    c.iso_type = std::string(kTypes[rng_.Weighted(kTypeWeights)]);
    const bool forty = c.iso_type[0] == '4';
    const bool reefer = c.iso_type[2] == 'R';
    const int tare = forty ? (reefer ? 4600 : 3800) : (reefer ? 3000 : 2200);
    const int cargo = static_cast<int>(forty ? rng_.Range(4000, 26000) : rng_.Range(3000, 24000));
    c.gross_weight_kg = tare + cargo / 10 * 10;
    std::vector<size_t> candidates;
    const auto& goods = GoodsCatalogue();
    for (size_t i = 0; i < goods.size(); ++i) {
      if (goods[i].reefer == reefer) candidates.push_back(i);
    }
    c.goods = rng_.Pick(candidates);
    static const std::vector<uint64_t> kValueBuckets = {40, 40, 20};
    switch (rng_.Weighted(kValueBuckets)) {
      case 0:
        c.declared_value_cents = rng_.Range(500000, 2000000);
        break;
      case 1:
        c.declared_value_cents = rng_.Range(2000000, 6000000);
        break;
      default:
        c.declared_value_cents = rng_.Range(6000000, 25000000);
        break;
    }
    static const std::vector<uint64_t> kCurrencyWeights = {70, 25, 5};
    static const std::vector<std::string_view> kCurrencies = {"EUR", "USD", "CNY"};
    c.value_currency = std::string(kCurrencies[rng_.Weighted(kCurrencyWeights)]);
  }

  size_t ContainersPerDocument() {
    static const std::vector<uint64_t> kWeights = {55, 20, 10, 6, 4, 2, 1, 1, 1};
    return rng_.Weighted(kWeights) + 1;
  }

  void MakeImports() {
    const size_t target = static_cast<size_t>(target_containers_) * 80 / 100;
    for (size_t v = 0; v < model_.voyages.size(); ++v) {
      if (model_.voyages[v].ata != kNoTime) {
        past_voyages_.push_back(v);
        past_voyage_weights_.push_back(
            static_cast<uint64_t>(model_.vessels[model_.voyages[v].vessel].teu));
      }
    }
    size_t made = 0;
    while (made < target) {
      const size_t n = std::min(ContainersPerDocument(), target - made);
      const size_t voyage = past_voyages_[rng_.Weighted(past_voyage_weights_)];
      const Voyage& vy = model_.voyages[voyage];
      size_t line = model_.vessels[vy.vessel].line;
      if (rng_.PerMille(150)) line = rng_.Weighted(line_weights_);  // slot charter
      const Shipper& shipper = rng_.Pick(shippers_);

      Booking booking;
      booking.booking_no = UniqueId("{}B{:07d}", model_.lines[line].code);
      booking.line = line;
      booking.shipper = shipper.name;
      booking.port_of_loading = std::string(shipper.port);
      booking.port_of_discharge = std::string(kPortCode);
      booking.voyage = voyage;
      booking.containers = static_cast<int>(n);
      booking.booked_at = vy.ata - rng_.Range(25, 50) * kDay - rng_.Range(0, 86399);
      model_.bookings.push_back(std::move(booking));

      BillOfLading bl;
      bl.bl_number = UniqueId("{}{:07d}",
                              fmt::format("{}{}", model_.lines[line].code, shipper.port.substr(2)));
      bl.booking = model_.bookings.size() - 1;
      bl.line = line;
      bl.shipper = shipper.name;
      bl.customer = rng_.Weighted(customer_weights_);
      bl.consignee_name = model_.customers[bl.customer].name;
      bl.notify_party = rng_.PerMille(600) ? "SAME AS CONSIGNEE" : std::string(Declarant());
      bl.issued_at = vy.ata - rng_.Range(14, 24) * kDay - rng_.Range(0, 86399);
      bl.voyage = voyage;
      for (size_t i = 0; i < n; ++i) {
        Container c;
        c.number = NewContainerNumber(line);
        FillBox(c);
        c.direction = Direction::kImport;
        c.voyage = voyage;
        c.line = line;
        c.bl = model_.bills.size();
        c.customer = bl.customer;
        c.tos_consignee = bl.consignee_name;
        bl.containers.push_back(model_.containers.size());
        model_.containers.push_back(std::move(c));
      }
      model_.bills.push_back(std::move(bl));
      made += n;
    }
    import_count_ = model_.containers.size();
  }

  std::string_view Declarant() {
    static const std::vector<std::string_view> kBrokers = {"Hafen Zollagentur GmbH",
                                                           "Elbe Customs Services GmbH",
                                                           "Nordic Clearance B.V.",
                                                           "Brandt & Söhne Zollagentur",
                                                           "CargoClear Ltd",
                                                           "Dockside Brokerage GmbH",
                                                           "Weser Forwarding GmbH & Co. KG"};
    return rng_.Pick(kBrokers);
  }

  // ---- planted problems ----------------------------------------------------------------

  void PlantProblems() {
    const size_t bls = model_.bills.size();
    const size_t boxes = import_count_;
    for (size_t i : rng_.Sample(bls, static_cast<size_t>(Percent(bls, 4))))
      model_.bills[i].unpaid = true;

    // Open holds: a quarter on containers whose B/L is also unpaid, so the cross-source
    // showcase query has rows; the rest anywhere else.
    const size_t holds = static_cast<size_t>(Percent(boxes, 2));
    std::vector<size_t> on_unpaid, others;
    for (size_t c = 0; c < boxes; ++c) {
      (model_.bills[model_.containers[c].bl].unpaid ? on_unpaid : others).push_back(c);
    }
    const size_t overlap = std::min(on_unpaid.size(), std::max<size_t>(1, holds / 4));
    for (size_t i : rng_.Sample(on_unpaid.size(), overlap))
      model_.containers[on_unpaid[i]].open_hold = true;
    for (size_t i : rng_.Sample(others.size(), std::min(others.size(), holds - overlap))) {
      model_.containers[others[i]].open_hold = true;
    }

    // Name mismatches: disjoint B/L sets.
    const size_t bl_mismatch = static_cast<size_t>(Percent(bls, 3));
    const size_t tos_mismatch = static_cast<size_t>(Percent(bls, 1));
    const auto picked = rng_.Sample(bls, bl_mismatch + tos_mismatch);
    for (size_t i = 0; i < picked.size(); ++i) {
      BillOfLading& bl = model_.bills[picked[i]];
      const std::string variant = ConsigneeVariant(model_.customers[bl.customer].name, rng_);
      if (i < bl_mismatch) {
        bl.bl_mismatch = true;
        bl.consignee_name = variant;
      } else {
        bl.tos_mismatch = true;
        for (size_t c : bl.containers) model_.containers[c].tos_consignee = variant;
      }
    }

    // Expired delivery orders: B/Ls that arrived at least 12 days before "now".
    std::vector<size_t> old_bls;
    for (size_t b = 0; b < bls; ++b) {
      if (model_.voyages[model_.bills[b].voyage].ata <= kAsOfTime - 12 * kDay) old_bls.push_back(b);
    }
    for (size_t i : rng_.Sample(old_bls.size(),
                                std::min(old_bls.size(), static_cast<size_t>(Percent(bls, 1))))) {
      model_.bills[old_bls[i]].do_expired = true;
    }
    // Missing delivery orders: containers on B/Ls whose delivery order is not expired.
    std::vector<size_t> candidates;
    for (size_t c = 0; c < boxes; ++c) {
      if (!model_.bills[model_.containers[c].bl].do_expired) candidates.push_back(c);
    }
    for (size_t i :
         rng_.Sample(candidates.size(),
                     std::min(candidates.size(), static_cast<size_t>(Percent(boxes, 2))))) {
      model_.containers[candidates[i]].missing_do = true;
    }
  }

  bool HasProblem(const Container& c) const {
    if (c.direction != Direction::kImport) return false;
    const BillOfLading& bl = model_.bills[c.bl];
    return c.open_hold || c.missing_do || bl.unpaid || bl.bl_mismatch || bl.tos_mismatch ||
           bl.do_expired;
  }

  // ---- timelines -----------------------------------------------------------------------

  struct Slot {
    std::string block;
    int bay = 0, row = 0, tier = 0;
    std::string Label() const { return fmt::format("{}-{:02d}-{:02d}-{}", block, bay, row, tier); }
  };

  Slot RandomSlot(const Container& c) {
    Slot s;
    const bool forty = c.iso_type[0] == '4';
    const bool reefer = c.iso_type[2] == 'R';
    static const std::vector<std::string_view> kBlocks20 = {"A", "B", "C", "D"};
    static const std::vector<std::string_view> kBlocks40 = {"E", "F", "G", "H"};
    s.block = reefer ? "R" : std::string(rng_.Pick(forty ? kBlocks40 : kBlocks20));
    // 20-foot boxes stand in odd bays, 40-foot boxes span two and take the even bay between.
    s.bay = static_cast<int>(forty ? rng_.Range(1, 29) * 2 : rng_.Range(0, 29) * 2 + 1);
    s.row = static_cast<int>(rng_.Range(1, reefer ? 6 : 8));
    s.tier = static_cast<int>(rng_.Range(1, reefer ? 3 : 5));
    return s;
  }

  // A slot no other container in the yard holds now. When random probing keeps hitting taken
  // slots (a very large demo), overflow blocks "AX", "AXX", ... take the rest.
  Slot FreeSlot(const Container& c) {
    std::string overflow;
    for (int tries = 1;; ++tries) {
      Slot s = RandomSlot(c);
      s.block += overflow;
      if (occupied_.insert(s.Label()).second) return s;
      if (tries % 200 == 0) overflow += 'X';
    }
  }

  std::string Equipment(std::string_view type) {
    if (type == "discharge" || type == "load") return fmt::format("QC{:02d}", rng_.Range(1, 8));
    if (type == "gate_in") return fmt::format("GATE-IN-{}", rng_.Range(1, 4));
    if (type == "gate_out") return fmt::format("GATE-OUT-{}", rng_.Range(1, 4));
    return rng_.PerMille(800) ? fmt::format("SC{:02d}", rng_.Range(1, 24))
                              : fmt::format("RS{:02d}", rng_.Range(1, 4));
  }

  void AddMove(size_t container, std::string_view type, int64_t at, std::string from,
               std::string to, int64_t voyage_id) {
    Move mv;
    mv.container = container;
    mv.type = std::string(type);
    mv.at = at;
    mv.equipment = Equipment(type);
    mv.from = std::move(from);
    mv.to = std::move(to);
    mv.voyage_id = voyage_id;
    model_.moves.push_back(std::move(mv));
  }

  // Yard residence from `in` to `out` (kNoTime: still in the yard): first placement, yard
  // shifts, and the final position (recorded in yard_positions when still there). Returns the
  // label of the last position.
  std::string YardStay(size_t ci, int64_t in, int64_t out, const std::string& from_label,
                       std::string_view first_move, int64_t voyage_id) {
    const Container& c = model_.containers[ci];
    static const std::vector<uint64_t> kShiftWeights = {35, 35, 20, 10};
    const size_t shifts = rng_.Weighted(kShiftWeights);
    const int64_t end = out == kNoTime ? kAsOfTime - kHour : out;
    std::vector<int64_t> times;
    for (size_t i = 0; i < shifts; ++i) {
      if (end - in > 2 * kHour) times.push_back(rng_.Range(in + kHour, end - kHour));
    }
    std::sort(times.begin(), times.end());
    std::vector<Slot> slots;
    for (size_t i = 0; i <= times.size(); ++i) {
      const bool last = i == times.size();
      slots.push_back(last && out == kNoTime ? FreeSlot(c) : RandomSlot(c));
    }
    AddMove(ci, first_move, in, from_label, slots[0].Label(), voyage_id);
    for (size_t i = 0; i < times.size(); ++i) {
      AddMove(ci, "yard_shift", times[i], slots[i].Label(), slots[i + 1].Label(), 0);
    }
    if (out == kNoTime) {
      YardPosition p;
      p.container = ci;
      p.block = slots.back().block;
      p.bay = slots.back().bay;
      p.row = slots.back().row;
      p.tier = slots.back().tier;
      p.since = times.empty() ? in : times.back();
      model_.yard.push_back(std::move(p));
    }
    return slots.back().Label();
  }

  int64_t ContainerCharge(const Container& c) {
    const bool forty = c.iso_type[0] == '4';
    int64_t cents = forty ? rng_.Range(26000, 34000) : rng_.Range(18500, 24000);
    if (c.iso_type[2] == 'R') cents = cents * 115 / 100;
    return cents;
  }

  void AddPayments(size_t invoice, int64_t earliest, int64_t latest) {
    static const std::vector<std::string_view> kMethods = {"bank_transfer", "direct_debit", "card"};
    static const std::vector<uint64_t> kMethodWeights = {75, 20, 5};
    const Invoice& inv = model_.invoices[invoice];
    latest = std::max(earliest, latest);
    const bool split = inv.amount_cents > 100000 && rng_.PerMille(150);
    int64_t first = split ? inv.amount_cents * rng_.Range(30, 70) / 100 : inv.amount_cents;
    const int64_t t1 = rng_.Range(earliest, latest);
    Payment p;
    p.invoice = invoice;
    p.amount_cents = first;
    p.paid_at = t1;
    p.method = std::string(kMethods[rng_.Weighted(kMethodWeights)]);
    model_.payments.push_back(p);
    if (split) {
      p.amount_cents = inv.amount_cents - first;
      p.paid_at = rng_.Range(t1, latest);
      model_.payments.push_back(p);
    }
  }

  size_t AddInvoice(size_t customer, std::string bl, std::string container, std::string text,
                    int64_t cents, int64_t issued_at) {
    Invoice inv;
    inv.customer = customer;
    inv.bl_number = std::move(bl);
    inv.container_no = std::move(container);
    inv.description = std::move(text);
    inv.amount_cents = cents;
    inv.currency = model_.customers[customer].currency;
    inv.issued_on = DayOf(issued_at);
    inv.due_on = inv.issued_on + model_.customers[customer].payment_terms_days * kDay;
    inv.status = "paid";
    model_.invoices.push_back(std::move(inv));
    return model_.invoices.size() - 1;
  }

  // Pays invoice `i` in full between its issue and its due date, before "now". Returns the
  // time of the last payment.
  int64_t PayInFull(size_t i) {
    const Invoice& inv = model_.invoices[i];
    const int64_t earliest = inv.issued_on + 9 * kHour;
    int64_t latest = inv.due_on + (rng_.PerMille(150) ? rng_.Range(1, 10) * kDay : 0);
    latest = std::min(latest, kAsOfTime - 2 * kHour);
    const size_t before = model_.payments.size();
    AddPayments(i, earliest, latest);
    int64_t last = earliest;
    for (size_t p = before; p < model_.payments.size(); ++p)
      last = std::max(last, model_.payments[p].paid_at);
    return last;
  }

  void ImportTimelines() {
    static const std::vector<std::pair<std::string_view, std::string_view>> kHoldReasons = {
        {"Documentary check", "Customs"},
        {"Physical inspection ordered", "Customs"},
        {"X-ray scan", "Customs"},
        {"Valuation query", "Customs"},
        {"Anti-dumping duty review", "Customs"},
        {"Phytosanitary inspection", "Port Health"},
        {"Veterinary check", "Veterinary Border Control"},
        {"Security check", "Federal Police"},
    };
    for (size_t b = 0; b < model_.bills.size(); ++b) {
      BillOfLading& bl = model_.bills[b];
      const Voyage& vy = model_.voyages[bl.voyage];
      const int64_t voyage_id = vy.id;
      const std::string vessel_label = fmt::format("VSL:{}", vy.voyage_no);

      // Handling invoice for the whole B/L.
      int64_t charges = 4500;  // documentation fee
      std::vector<int64_t> discharged;
      for (size_t c : bl.containers) {
        charges += ContainerCharge(model_.containers[c]);
        discharged.push_back(rng_.Range(vy.ata + kHour, vy.atd - kHour));
      }
      const int64_t first_discharge = *std::min_element(discharged.begin(), discharged.end());
      const size_t invoice =
          AddInvoice(bl.customer, bl.bl_number, "",
                     fmt::format("Terminal handling, {} container(s)", bl.containers.size()),
                     charges, first_discharge + rng_.Range(0, 12) * kHour);
      int64_t paid_at = kNoTime;
      if (bl.unpaid) {
        Invoice& inv = model_.invoices[invoice];
        inv.status = inv.due_on < kAsOfTime ? "overdue" : "open";
        if (inv.status == "overdue" && rng_.PerMille(300)) {  // a partial payment
          Payment p;
          p.invoice = invoice;
          p.amount_cents = inv.amount_cents * rng_.Range(20, 60) / 100;
          p.paid_at = rng_.Range(inv.issued_on + 9 * kHour, kAsOfTime - 2 * kHour);
          p.method = "bank_transfer";
          model_.payments.push_back(p);
        }
      } else {
        paid_at = PayInFull(invoice);
      }

      // Delivery order.
      bl.do_number = UniqueId("DO{}{:07d}", model_.lines[bl.line].code);
      bl.do_issued_at = vy.ata + rng_.Range(2, 30) * kHour;
      int64_t latest_needed = bl.do_issued_at + rng_.Range(7, 21) * kDay;

      for (size_t k = 0; k < bl.containers.size(); ++k) {
        const size_t ci = bl.containers[k];
        Container& c = model_.containers[ci];
        const int64_t t_dis = discharged[k];

        Declaration d;
        d.id = "";  // assigned later
        d.container = ci;
        d.declarant =
            rng_.PerMille(150) ? model_.customers[c.customer].name : std::string(Declarant());
        d.lodged_at = std::max(t_dis - rng_.Range(2, 72) * kHour, kWindowStart + kHour);
        d.status = c.open_hold ? "held" : "cleared";
        model_.declarations.push_back(std::move(d));
        const size_t decl = model_.declarations.size() - 1;

        int64_t customs_done = t_dis;
        if (c.open_hold || rng_.PerMille(60)) {
          const auto& [reason, authority] = rng_.Pick(kHoldReasons);
          Hold h;
          h.container = ci;
          h.reason = std::string(reason);
          h.authority = std::string(authority);
          h.placed_at = t_dis + rng_.Range(1, 12) * kHour;
          if (!c.open_hold) h.released_at = h.placed_at + rng_.Range(4, 36) * kHour;
          customs_done = c.open_hold ? kNoTime : h.released_at;
          model_.holds.push_back(std::move(h));
        }
        int64_t released = kNoTime;
        if (customs_done != kNoTime) {
          released = customs_done + rng_.Range(1, 12) * kHour;
          Release r;
          r.container = ci;
          r.declaration = decl;
          r.released_at = released;
          model_.releases.push_back(std::move(r));
        }

        int64_t gate_out = kNoTime;
        if (!HasProblem(c)) {
          static const std::vector<uint64_t> kDwell = {35, 40, 20, 5};
          static const std::pair<int64_t, int64_t> kDwellHours[] = {
              {2, 48}, {48, 144}, {144, 336}, {336, 720}};
          const auto [lo, hi] = kDwellHours[rng_.Weighted(kDwell)];
          const int64_t ready = std::max({released, paid_at, bl.do_issued_at});
          const int64_t t = ready + rng_.Range(lo, hi) * kHour + rng_.Range(0, 3599);
          if (t < kAsOfTime) gate_out = t;
        }
        const std::string last =
            YardStay(ci, t_dis, gate_out, vessel_label, "discharge", voyage_id);
        if (gate_out != kNoTime) {
          AddMove(ci, "gate_out", gate_out, last, "GATE", 0);
          c.status = "gated_out";
          latest_needed = std::max(latest_needed, gate_out + rng_.Range(1, 3) * kDay);
        } else {
          c.status = "in_yard";
          ++model_.import_containers_in_yard;
          latest_needed = std::max(latest_needed, kAsOfTime + rng_.Range(1, 14) * kDay);
        }

        if (c.iso_type[2] == 'R') {  // reefer power, billed per container
          const int64_t until = gate_out != kNoTime ? gate_out : kAsOfTime;
          const int64_t days = std::max<int64_t>(1, (until - t_dis) / kDay);
          const size_t i =
              AddInvoice(c.customer, "", c.number, fmt::format("Reefer power, {} day(s)", days),
                         days * 2800, t_dis + kDay);
          if (model_.invoices[i].issued_on + 9 * kHour < kAsOfTime) {
            PayInFull(i);
          } else {
            model_.invoices.pop_back();
          }
        }
      }
      bl.do_valid_until =
          bl.do_expired ? DayOf(kAsOfTime - rng_.Range(1, 9) * kDay) : DayOf(latest_needed);
    }
  }

  void MakeExports() {
    std::vector<size_t> voyages;
    for (size_t v = 0; v < model_.voyages.size(); ++v) {
      if (model_.voyages[v].eta >= kWindowStart + 5 * kDay) voyages.push_back(v);
    }
    const size_t target = static_cast<size_t>(target_containers_);
    while (model_.containers.size() < target) {
      const size_t n = std::min(ContainersPerDocument(), target - model_.containers.size());
      const size_t voyage = rng_.Pick(voyages);
      const Voyage& vy = model_.voyages[voyage];
      const size_t line = model_.vessels[vy.vessel].line;
      const size_t customer = rng_.Weighted(customer_weights_);
      const Shipper& dest = rng_.Pick(shippers_);

      Booking booking;
      booking.booking_no = UniqueId("{}B{:07d}", model_.lines[line].code);
      booking.line = line;
      booking.shipper = model_.customers[customer].name;
      booking.port_of_loading = std::string(kPortCode);
      booking.port_of_discharge = std::string(dest.port);
      booking.voyage = voyage;
      booking.containers = static_cast<int>(n);
      booking.booked_at = vy.eta - rng_.Range(10, 30) * kDay - rng_.Range(0, 86399);
      model_.bookings.push_back(std::move(booking));
      const size_t booking_index = model_.bookings.size() - 1;

      const bool departed = vy.atd != kNoTime;
      const int64_t arrival = departed ? vy.ata : vy.eta;
      for (size_t i = 0; i < n; ++i) {
        const size_t ci = model_.containers.size();
        Container c;
        c.number = NewContainerNumber(line);
        FillBox(c);
        c.direction = Direction::kExport;
        c.voyage = voyage;
        c.line = line;
        c.booking = booking_index;
        c.customer = customer;
        model_.containers.push_back(std::move(c));

        const int64_t gate_in =
            std::clamp(arrival - rng_.Range(12, 144) * kHour - rng_.Range(0, 3599),
                       kWindowStart + kHour, kAsOfTime - kHour);
        const int64_t load = departed ? rng_.Range(vy.ata + kHour, vy.atd - kHour) : kNoTime;
        const std::string last = YardStay(ci, gate_in, load, "GATE", "gate_in", 0);
        if (departed) {
          AddMove(ci, "load", load, last, fmt::format("VSL:{}", vy.voyage_no), vy.id);
          model_.containers[ci].status = "loaded";
        } else {
          model_.containers[ci].status = "in_yard";
        }
        const size_t inv = AddInvoice(customer, "", model_.containers[ci].number, "Export handling",
                                      ContainerCharge(model_.containers[ci]), gate_in);
        PayInFull(inv);
      }
    }
  }

  // ---- ids and ground truth ------------------------------------------------------------

  void FinishMoves() {
    std::vector<size_t> order(model_.moves.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::tie(model_.moves[a].at, a) < std::tie(model_.moves[b].at, b);
    });
    std::vector<Move> sorted;
    sorted.reserve(order.size());
    for (size_t i : order) sorted.push_back(std::move(model_.moves[i]));
    model_.moves = std::move(sorted);
    for (size_t i = 0; i < model_.moves.size(); ++i)
      model_.moves[i].id = static_cast<int64_t>(i) + 1;

    for (size_t i = 0; i < model_.declarations.size(); ++i) {
      model_.declarations[i].id = fmt::format("CD26{:06d}", i + 1);
    }
    for (size_t i = 0; i < model_.holds.size(); ++i)
      model_.holds[i].id = fmt::format("H26-{:05d}", i + 1);
    for (size_t i = 0; i < model_.releases.size(); ++i) {
      model_.releases[i].id = fmt::format("R26-{:06d}", i + 1);
    }
  }

  void FinishFinance() {
    // Invoice numbers follow the issue date, as an ERP would assign them.
    std::vector<size_t> order(model_.invoices.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return model_.invoices[a].issued_on < model_.invoices[b].issued_on;
    });
    for (size_t rank = 0; rank < order.size(); ++rank) {
      model_.invoices[order[rank]].id = fmt::format("INV-26-{:06d}", rank + 1);
    }
    std::stable_sort(model_.payments.begin(), model_.payments.end(),
                     [](const Payment& a, const Payment& b) { return a.paid_at < b.paid_at; });
    for (size_t i = 0; i < model_.payments.size(); ++i)
      model_.payments[i].id = static_cast<int64_t>(i) + 1;

    for (size_t c = 0; c < model_.customers.size(); ++c) {
      CreditLimit limit;
      limit.customer = c;
      const int64_t base = c < 5    ? rng_.Range(40, 100)
                           : c < 30 ? rng_.Range(10, 40)
                                    : rng_.Range(1, 10);
      limit.limit_cents = base * 2500000;
      limit.currency = model_.customers[c].currency;
      limit.valid_from = DayOf(kWindowStart - rng_.Range(30, 700) * kDay);
      model_.credit_limits.push_back(limit);
      if (rng_.PerMille(200)) {
        limit.limit_cents = limit.limit_cents * rng_.Range(60, 160) / 100;
        limit.valid_from = DayOf(kWindowStart + rng_.Range(1, 59) * kDay);
        model_.credit_limits.push_back(limit);
      }
    }
  }

  void Add(ProblemKind kind, const Container& c, std::string detail) {
    model_.problems.push_back({kind, c.number, model_.bills[c.bl].bl_number, std::move(detail)});
  }

  void CollectProblems() {
    std::vector<const Hold*> open_hold(import_count_, nullptr);
    for (const Hold& h : model_.holds) {
      if (h.released_at == kNoTime) open_hold[h.container] = &h;
    }
    std::vector<const Invoice*> bl_invoice(model_.bills.size(), nullptr);
    std::map<std::string, size_t> bl_index;
    for (size_t b = 0; b < model_.bills.size(); ++b) bl_index[model_.bills[b].bl_number] = b;
    for (const Invoice& inv : model_.invoices) {
      if (!inv.bl_number.empty()) bl_invoice[bl_index.at(inv.bl_number)] = &inv;
    }
    PlantedCounts& n = model_.planted;
    for (size_t b = 0; b < model_.bills.size(); ++b) {
      const BillOfLading& bl = model_.bills[b];
      const std::string& finance_name = model_.customers[bl.customer].name;
      if (bl.unpaid) {
        ++n.unpaid_invoices;
        if (bl_invoice[b]->status == "overdue") ++n.overdue_invoices;
      }
      n.bl_consignee_mismatches += bl.bl_mismatch;
      n.tos_consignee_mismatches += bl.tos_mismatch;
      for (size_t ci : bl.containers) {
        const Container& c = model_.containers[ci];
        if (c.open_hold) {
          ++n.open_customs_holds;
          Add(ProblemKind::kOpenCustomsHold, c, open_hold[ci]->id);
        }
        if (bl.unpaid) Add(ProblemKind::kUnpaidInvoice, c, bl_invoice[b]->id);
        if (bl.bl_mismatch) {
          Add(ProblemKind::kBlConsigneeMismatch, c,
              fmt::format("'{}' vs '{}'", bl.consignee_name, finance_name));
        }
        if (bl.tos_mismatch) {
          Add(ProblemKind::kTosConsigneeMismatch, c,
              fmt::format("'{}' vs '{}'", c.tos_consignee, bl.consignee_name));
        }
        if (c.missing_do) {
          ++n.missing_delivery_orders;
          Add(ProblemKind::kMissingDeliveryOrder, c, "");
        }
        if (bl.do_expired && !c.missing_do) {
          ++n.expired_delivery_orders;
          Add(ProblemKind::kExpiredDeliveryOrder, c, bl.do_number);
        }
        if (c.status == "in_yard" && !HasProblem(c)) ++model_.containers_ready_for_release;
      }
    }
  }

  Rng rng_;
  Rng bank_rng_;
  int target_containers_;
  PortModel model_;
  std::vector<uint64_t> line_weights_;
  std::vector<uint64_t> customer_weights_;
  std::vector<Shipper> shippers_;
  std::vector<size_t> past_voyages_;
  std::vector<uint64_t> past_voyage_weights_;
  std::set<std::string> used_numbers_;
  std::set<std::string> occupied_;
  std::set<std::string> used_ids_;
  size_t import_count_ = 0;
};

}  // namespace

PortModel GeneratePortModel(uint64_t seed, int containers) {
  return Generator(seed, containers).Run();
}

}  // namespace cairn::demo

// Person names and street addresses: the value shapes and word lists behind
// SemanticType::kPersonName and kAddress (see semantic.h).

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>
#include <vector>

#include "context/internal/word_set.h"
#include "context/semantic.h"
#include "core/strings.h"

namespace cairn::context {
namespace {

// Common given names of Europe and the Americas, with their usual short forms (lower case,
// ASCII where the name has an ASCII spelling; written from general knowledge, not taken from a
// data set). A list, not a model: it turns "a column of capitalised words" into "a column of
// people's names" when a good share of its values start with one of these.
constexpr std::string_view kGivenNames =
    "aaron abby abe abigail ada adam adele adrian agatha agnes aidan al alan alba albert alberto "
    "aldo alec alejandro alex alexander alexandra alexandre alfonso alfred alfredo ali alice "
    "alicia alison alma alvin amanda amber amelia amy ana andre andrea andreas andrew andrzej "
    "andy angel angela angelika angelo angie angus anita ann anna anne annette annie anthony "
    "antoine anton antonio archie arlene armando arne arnold arthur ashley astrid audrey august "
    "austin axel barbara barry beatrice becky bella ben benjamin benny bernadette bernard bernd "
    "bernhard bert beth betsy bette betty beverly bill billie billy bjorn blake bob bobby bonnie "
    "brad bradley brandon brenda brent brett brian bridget britta brooke bruce bruno bryan buddy "
    "burt caleb calvin cameron camille candice carl carla carlo carlos carmela carmen carol "
    "caroline carolyn carrie casey cassandra catherine cathy cecil cecilia chad charles charlie "
    "charlotte cheryl chester chloe chris christian christina christine christoph christopher "
    "chuck cindy claire clara claude claudia clay clifford clint clyde cody colin connie conrad "
    "constance cora corey craig curtis cynthia dagmar dale dan dana daniel daniela danielle "
    "danny darlene darren dave david dawn debbie deborah debra delia denis denise dennis derek "
    "desiree dewey diana diane diego dieter dirk dolores dominic dominik dominique don donald "
    "donna donnie dora doris dorothy doug douglas duane dustin dylan ed eddie edgar edith edna "
    "edward edwin eileen elaine eleanor elena eli elias eliot elizabeth ella ellen ellie elliott "
    "elmer eloise elsa elsie elvis emanuel emil emily emma enrique eric erich erik erika ernest "
    "ernesto ernst estelle esther ethan ethel etta eugene eugenia eunice eva evan evelyn everett "
    "fabian fabio faye felicia felix fernando fiona flora florian floyd frances francesco "
    "francisco franco frank frankie franz fred freddie frederick frieda fritz gabriel gabriela "
    "gabriele gail garrett gary gene geoffrey georg george georgia gerald gerard gerd gerhard "
    "gilbert gina ginger giovanni giuseppe glen glenn gloria gordon grace greg gregory greta "
    "gunter gustav gwen hal hank hannah hans harald harold harriet harry harvey hazel heather "
    "hector heidi heinrich heinz helen helena helga helmut henri henry herbert herman hermann "
    "holly homer horace howard hubert hugo ian ida ines ingrid irene irma isaac isabel isabella "
    "isaiah ivan jack jackie jacob jacqueline jaime jake james jamie jan jane janet janice jared "
    "jasmine jason javier jay jean jeanette jeanine jeff jeffrey jennifer jenny jeremy jerome "
    "jerry jesse jessica jill jim jimmy jo joan joanna jody joe joel joey johann johanna john "
    "johnny jon jonathan jordan jorge jose josef joseph josephine josh joshua joyce juan juanita "
    "judith judy jules julia julian julie jurgen justin karen karin karl kate katharina "
    "katherine kathleen kathryn kathy katie katrin keith kelly ken kenneth kenny kent kerry "
    "kevin kim kirk klaus kristen kristin kurt kyle lana lance larry lars laura lauren lawrence "
    "lea leo leon leonard leonie leroy leslie lewis liam lila lillian lily linda lisa lloyd lois "
    "lola lonnie lorenzo loretta lori lorraine lou louis louise lucas lucia lucille lucy luis "
    "luisa lukas luke luther lydia lyle lynn mabel madeline maggie malcolm mandy manfred manuel "
    "marc marcel marcia marco marcus margaret margarete margie maria marian marianne marie "
    "marilyn mario marjorie mark marko markus marlene marshall martha martin marvin mary "
    "mathilde matt matthew matthias mattie maud maureen maurice mavis max maximilian megan "
    "melanie melissa melvin meredith mia michael michaela michelle mickey miguel mike mildred "
    "milton minnie miriam mitchell molly monika morris myrtle nadine nancy naomi nat natalie "
    "nathan neil nell nellie nettie nicholas nick nicolas nicole niels nina noah noel nora "
    "norbert norma norman olga olive oliver olivia opal orville oscar otto owen pablo pamela "
    "patricia patrick patsy patty paul paula pedro peggy penelope penny percy perry pete peter "
    "petra phil philip philipp phoebe phyllis pierre polly priscilla quentin rachel rafael ralf "
    "ralph ramon randall randy raymond reba rebecca reggie regina reinhard renate rhonda ricardo "
    "richard rick ricky rita rob robbie robert roberto robin rod rodney roger roland ron ronald "
    "ronnie rosa rosalie rose rosemary ross roy ruby rudolph rudy rufus russ russell ruth ryan "
    "sabine sally sam samantha sammy samuel sandra sandy sara sarah scott sean sebastian selma "
    "sergio seth sharon sheila shelby shelley sherman shirley sid sidney silvia simon simone "
    "sonia sophia sophie stacy stan stanley stefan stefanie stella stephanie stephen steve "
    "steven sue susan susanne sven sylvia tammy ted teddy teresa terrence terry thelma theo "
    "theodore thomas tiffany tim timothy tina tobias toby todd tom tommy tony torsten tracy "
    "travis trevor troy trudy tyler ulrich ursula uwe valentina vanessa vera vernon vicki victor "
    "victoria vincent viola violet virginia vivian wade wallace walt walter wanda warren wayne "
    "wendy werner wes wilbur wilhelm william willie willy wilma winston wolfgang yolanda yves "
    "yvonne zachary zoe";

// Words that name a street or a postal box, lower case, without a trailing period.
constexpr std::string_view kStreetWords =
    "street st str strasse straße weg gasse allee platz ring damm ufer chaussee road rd avenue "
    "ave av avda avenida boulevard blvd bd lane ln drive dr way court ct place pl square sq "
    "terrace circus circle crescent close parkway pkwy highway hwy route rue via viale piazza "
    "calle carrera rua travessa estrada vej gade gatan vagen veien straat laan plein box "
    "postfach suite apt";

// Words that make a name the name of a thing, not of a person: awards, places, firms, shops
// and institutions ("Tony Award", "Baltimore County", "FJA Filming", "Acme Inc."). Lower case,
// without a trailing period. Words that are also common family names (Hall, Park, Church, Bank,
// House, Field, Wood) are left out on purpose: "Jerry Hall" is a person.
constexpr std::string_view kThingWords =
    "award awards prize medal trophy cup championship festival county city town village "
    "district province region parish borough township municipality inc incorporated ltd "
    "limited llc llp plc corp corporation company co gmbh ag kg group holdings partners "
    "associates enterprises industries studio studios photo photos photography filming films "
    "productions pictures records entertainment media shop store stores cafe café restaurant "
    "bakery bistro pub hotel motel resort school college university institute academy "
    "hospital clinic center centre museum theater theatre gallery cinema airlines airways "
    "airline airport station stadium arena market supermarket mall services solutions systems "
    "technologies software consulting international foundation association society union "
    "federation league committee council department ministry agency office bureau club team "
    "fc";

// Lower-case words that may stand inside a person's name.
constexpr std::string_view kParticles =
    "van von der den de del della di da du dos das le la bin ibn al el ter ten zu y e af av op";

// One set per list, built once.
const std::unordered_set<std::string_view>& Words(std::string_view list) {
  static const std::unordered_set<std::string_view> given = internal::WordSet(kGivenNames);
  static const std::unordered_set<std::string_view> street = internal::WordSet(kStreetWords);
  static const std::unordered_set<std::string_view> thing = internal::WordSet(kThingWords);
  static const std::unordered_set<std::string_view> particle = internal::WordSet(kParticles);
  if (list.data() == kGivenNames.data()) return given;
  if (list.data() == kParticles.data()) return particle;
  return list.data() == kThingWords.data() ? thing : street;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigitChar(char c) { return c >= '0' && c <= '9'; }
// A byte of a multi-byte UTF-8 letter (ä, ø, ł, ...): treated as a letter.
bool IsHighByte(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Splits on spaces, commas and newlines; drops empty pieces.
std::vector<std::string_view> Tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ' || s[i] == ',' || s[i] == '\n' || s[i] == '\t') {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

bool IsPersonNameShape(std::string_view s) {
  if (s.empty() || s.size() > 80) return false;
  std::vector<std::string_view> tokens = Tokens(s);
  if (tokens.empty() || tokens.size() > 12) return false;
  bool capitalised = false;
  for (std::string_view t : tokens) {
    // Letters with inner apostrophes, hyphens and periods (O'Neil, Jean-Luc, J.), and
    // parentheses around a nickname; no digits, no other punctuation.
    bool letter = false;
    for (char c : t) {
      if (IsAsciiLetter(c) || IsHighByte(c)) {
        letter = true;
      } else if (c != '\'' && c != '-' && c != '.' && c != '(' && c != ')') {
        return false;
      }
    }
    if (!letter) return false;
    if (std::isupper(static_cast<unsigned char>(t[0])) || IsHighByte(t[0])) {
      capitalised = true;
    } else if (t[0] != '(' && tokens.size() > 1 && Words(kParticles).count(t) == 0) {
      // A lower-case word inside a name is a particle (van, de, bin) or a note in parentheses
      // ("(c)" for a captain); any other makes a phrase ("How to cook pasta", "Loving you").
      return false;
    }
  }
  return capitalised;
}

bool StartsWithGivenName(std::string_view s) {
  // "First Last", "First", "LAST, First" and "Last, First M.".
  const auto& given = Words(kGivenNames);
  std::vector<std::string_view> tokens = Tokens(s);
  if (tokens.empty()) return false;
  if (given.count(AsciiLower(tokens[0])) > 0) return true;
  size_t comma = s.find(',');
  if (comma != std::string_view::npos) {
    std::vector<std::string_view> rest = Tokens(s.substr(comma + 1));
    return !rest.empty() && given.count(AsciiLower(rest[0])) > 0;
  }
  return false;
}

bool HasPersonTitle(std::string_view s) {
  // Honorifics before a name and generational or degree suffixes after one, without their
  // periods, lower case. Roman numerals need two words before them ("Rocky IV" is a film); "MD"
  // is left out (Maryland: "Baltimore MD").
  static const std::unordered_set<std::string_view> kBefore = {"mr",   "mrs",  "ms",  "miss", "mx",
                                                               "dr",   "prof", "sir", "dame", "rev",
                                                               "herr", "frau", "mme", "mlle"};
  static const std::unordered_set<std::string_view> kAfter = {"jr",  "sr",  "phd",
                                                              "dds", "dvm", "esq"};
  static const std::unordered_set<std::string_view> kNumerals = {"ii", "iii", "iv", "v"};
  std::vector<std::string_view> tokens = Tokens(s);
  if (tokens.size() < 2) return false;
  auto bare = [](std::string_view t) {
    while (!t.empty() && t.back() == '.') t.remove_suffix(1);
    return AsciiLower(t);
  };
  if (kBefore.count(bare(tokens.front())) > 0) return true;
  const std::string last = bare(tokens.back());
  return kAfter.count(last) > 0 || (tokens.size() >= 3 && kNumerals.count(last) > 0);
}

bool NamesAThing(std::string_view s) {
  const auto& thing = Words(kThingWords);
  for (std::string_view t : Tokens(s)) {
    while (!t.empty() && t.back() == '.') t.remove_suffix(1);
    if (thing.count(AsciiLower(t)) > 0) return true;
  }
  return false;
}

AddressShape ClassifyAddress(std::string_view s) {
  if (s.size() < 4 || s.size() > 200) return AddressShape::kNone;
  std::vector<std::string_view> tokens = Tokens(s);
  if (tokens.size() < 2 || tokens.size() > 20) return AddressShape::kNone;
  const auto& street = Words(kStreetWords);
  bool number = false, word = false, street_word = false, street_last = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    std::string_view bare = t;
    while (!bare.empty() && (bare.back() == '.' || bare.back() == ';')) bare.remove_suffix(1);
    // A house number: digits, optionally with a letter or a range (12a, 12-14, 3/1).
    if (!bare.empty() && IsDigitChar(bare[0]) && bare.size() <= 8) number = true;
    std::string lower = AsciiLower(bare);
    bool is_street = street.count(lower) > 0;
    // Compound street names: "Theodor-Heuss-Straße", "Luisenstr", "Ullevålsveien".
    for (std::string_view suffix : {"straße", "strasse", "str", "weg", "gasse", "allee", "platz",
                                    "veien", "vej", "gade", "gatan", "vägen", "straat", "laan"}) {
      if (lower.size() > suffix.size() + 2 &&
          lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0) {
        is_street = true;
      }
    }
    street_word = street_word || is_street;
    if (is_street && i + 1 == tokens.size()) street_last = true;
    if (bare.size() >= 2 && std::all_of(bare.begin(), bare.end(), [](char c) {
          return IsAsciiLetter(c) || IsHighByte(c) || c == '-' || c == '\'';
        })) {
      word = true;
    }
  }
  // "Obere Str. 57", "P.O. Box 555"; without a number only when the street word ends the
  // value ("Fauntleroy Circus").
  if ((number && street_word) || street_last) return AddressShape::kStreet;
  if (number && word) return AddressShape::kNumbered;
  return AddressShape::kNone;
}

}  // namespace cairn::context

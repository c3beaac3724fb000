#include "context/lexicon.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace cairn::context {
namespace {

namespace fs = std::filesystem;

std::string Base64Number(uint64_t value) {
  static constexpr std::string_view kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value % 64]);
    value /= 64;
  } while (value > 0);
  return out;
}

// Writes a dictd dictionary of `entries` (headword, text) at `prefix`: the index in the order
// given and the entries, gzip-compressed as dictzip files are, or plain.
void WriteDictd(const fs::path& prefix,
                const std::vector<std::pair<std::string, std::string>>& entries,
                bool compressed = true) {
  std::string body, index;
  for (const auto& [headword, text] : entries) {
    index += headword + "\t" + Base64Number(body.size()) + "\t" + Base64Number(text.size()) + "\n";
    body += text;
  }
  std::ofstream(prefix.string() + ".index", std::ios::binary) << index;
  if (compressed) {
    gzFile f = gzopen((prefix.string() + ".dict.dz").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, body.data(), static_cast<unsigned>(body.size())),
              static_cast<int>(body.size()));
    gzclose(f);
  } else {
    std::ofstream(prefix.string() + ".dict", std::ios::binary) << body;
  }
}

class LexiconTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cairn_lexicon_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A German-English pair in FreeDict's layout, with the senses the filters are for.
  void WriteGermanEnglish(bool compressed = true) {
    WriteDictd(dir_ / "deu-eng",
               {{"00databaseshort", "Deutsch-Englisch\n"},
                {"lehrer", "Lehrer /lˈeːrɜ/ <masc, n, sg>\ninstructor <n>\n   Synonym: {x}\n\n"},
                {"lehrer", "Lehrer /lˈeːrɜ/ <pl>\nteachers, instructors\n"},
                {"rang", "Rang /rˈaŋ/ <masc, n, sg>\nrank <n>\n"},
                {"rang", "Rang /rˈaŋ/ <masc, n, sg>\nstation <n> [obs.]\n   Note: social\n"},
                {"rang", "rang /rˈaŋ/\ncontended\n"},
                {"mannschaft", "Mannschaft /mˈanʃaft/ <fem, n, sg>\nsports team <n>, team <n>\n"},
                {"äpfel", "Äpfel <pl>\napples\n"},
                {"spielen", "spielen <v>\nplay <v>\n"},
                {"bahnhof", "Bahnhof <masc, n, sg>\nstation <n>\n"}},
               compressed);
    WriteDictd(dir_ / "eng-deu",
               {{"instructor", "instructor /ɪnstɹˈʌktə/\nLehrer <masc>, Lehrerin <fem>\n"},
                {"instructors", "instructors\nLehrer <pl>\n"},
                {"team", "team /tˈiːm/\nMannschaft <fem>, Team <neut> [sport]\n"},
                {"station", "station /stˈeɪʃən/\n [obs.] Rang <masc>, Stand <masc>\n"},
                {"station", "station /stˈeɪʃən/\nBahnhof <masc>\n"},
                {"rank", "rank /ɹˈæŋk/ <v>\neinstufen <v>\n"},
                {"apples", "apples\nÄpfel <pl>\n"},
                {"play", "play <v>\nspielen <v>\n"},
                {"teachers", "teachers\nLehrer <pl>\n"}},
               compressed);
  }

  fs::path dir_;
};

TEST_F(LexiconTest, KeepsNounPairsBothDictionariesGive) {
  WriteGermanEnglish();
  auto lexicon = Lexicon::Load(dir_ / "deu-eng", dir_ / "eng-deu");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_TRUE(lexicon->Translates("lehrer", "instructor"));
  EXPECT_TRUE(lexicon->Translates("instructor", "lehrer"));  // either way round
  EXPECT_TRUE(lexicon->Translates("lehrer", "instructors"));
  EXPECT_TRUE(lexicon->Translates("lehrer", "teachers"));
  EXPECT_TRUE(lexicon->Translates("mannschaft", "team"));
  EXPECT_TRUE(lexicon->Translates("bahnhof", "station"));
  EXPECT_TRUE(lexicon->Translates("äpfel", "apples"));  // Ä lower-cased
  // Only one dictionary gives "rank": the other has it as a verb.
  EXPECT_FALSE(lexicon->Translates("rang", "rank"));
  // An obsolete sense, marked on the translation one way and on the line the other.
  EXPECT_FALSE(lexicon->Translates("rang", "station"));
  EXPECT_FALSE(lexicon->Translates("spielen", "play"));  // verbs
  EXPECT_FALSE(lexicon->Translates("mannschaft", "sports team"));
  EXPECT_TRUE(lexicon->Of("rang").empty());
  EXPECT_EQ(lexicon->pairs(), 6u);
}

TEST_F(LexiconTest, ReadsPlainDictionariesToo) {
  WriteGermanEnglish(/*compressed=*/false);
  auto lexicon = Lexicon::Load(dir_ / "deu-eng", dir_ / "eng-deu");
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_TRUE(lexicon->Translates("lehrer", "instructor"));
  EXPECT_EQ(lexicon->pairs(), 6u);
}

TEST_F(LexiconTest, ReadsEntriesWhateverTheIndexsOrder) {
  // The index lists headwords alphabetically, not in the order of their entries.
  std::string a = "Zug <masc, n, sg>\ntrain <n>\n", b = "Abend <masc, n, sg>\nevening <n>\n";
  std::ofstream(dir_ / "d.dict", std::ios::binary) << a << b;
  std::ofstream(dir_ / "d.index", std::ios::binary)
      << "abend\t" << Base64Number(a.size()) << "\t" << Base64Number(b.size()) << "\n"
      << "zug\tA\t" << Base64Number(a.size()) << "\n";
  std::vector<DictdEntry> entries;
  Status read = ReadDictd(dir_ / "d", [&](const DictdEntry& e) { entries.push_back(e); });
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].headword, "zug");
  EXPECT_EQ(entries[0].tags, "masc, n, sg");
  EXPECT_EQ(entries[0].translations, "train <n>");
  EXPECT_EQ(entries[1].headword, "abend");
  EXPECT_EQ(entries[1].translations, "evening <n>");
}

TEST_F(LexiconTest, BadDictionariesAreNamed) {
  auto missing = Lexicon::Load(dir_ / "none", dir_ / "none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("none.index"), std::string::npos);

  std::ofstream(dir_ / "bad.index") << "lehrer\tA\tB\nrang\tnot base64!\tB\n";
  std::ofstream(dir_ / "bad.dict") << "Lehrer <n>\nteacher\n";
  auto ignore = [](const DictdEntry&) {};
  Status bad_line = ReadDictd(dir_ / "bad", ignore);
  ASSERT_FALSE(bad_line.ok());
  EXPECT_NE(bad_line.message().find("bad.index:2:"), std::string::npos) << bad_line.message();

  std::ofstream(dir_ / "short.index") << "lehrer\tA\tZZ\n";
  std::ofstream(dir_ / "short.dict") << "Lehrer <n>\nteacher\n";
  Status past_end = ReadDictd(dir_ / "short", ignore);
  ASSERT_FALSE(past_end.ok());
  EXPECT_NE(past_end.message().find("'lehrer'"), std::string::npos) << past_end.message();
  EXPECT_NE(past_end.message().find("runs past the end"), std::string::npos);

  std::ofstream(dir_ / "nodict.index") << "lehrer\tA\tB\n";
  Status no_entries = ReadDictd(dir_ / "nodict", ignore);
  ASSERT_FALSE(no_entries.ok());
  EXPECT_NE(no_entries.message().find("nodict.dict"), std::string::npos);
}

TEST(LexiconPairsTest, PairsAreSymmetricAndLowerCase) {
  Lexicon lexicon = Lexicon::FromPairs({{"Lehrer", "instructor"},
                                        {"lehrer", "instructor"},
                                        {"Über", "over"},
                                        {"École", "school"},
                                        {"team", "team"}});
  EXPECT_EQ(lexicon.pairs(), 3u);  // the duplicate and the identical word are not pairs
  EXPECT_TRUE(lexicon.Translates("école", "school"));
  EXPECT_TRUE(lexicon.Translates("instructor", "lehrer"));
  EXPECT_TRUE(lexicon.Translates("über", "over"));
  EXPECT_FALSE(lexicon.Translates("team", "team"));
}

TEST(LexiconPairsTest, TranslatesTheWordsOfNamesForSearch) {
  Lexicon lexicon = Lexicon::FromPairs(
      {{"hersteller", "manufacturer"}, {"hersteller", "maker"}, {"lehrer", "teacher"}});
  const NameTranslations words =
      TranslateNameWords(lexicon, {"Hersteller", "produkt_hersteller_id", "teachers", "name"});
  // Each word once, as NameTokens splits it; a plural through its singular; untranslated
  // words ("produkt", "id", "name") are left out.
  const NameTranslations expected = {{"hersteller", {"maker", "manufacturer"}},
                                     {"teachers", {"lehrer"}}};
  EXPECT_EQ(words, expected);
  EXPECT_EQ(TranslationsOf(words, "hersteller_teachers"),
            (std::vector<std::string>{"maker", "manufacturer", "lehrer"}));
  EXPECT_TRUE(TranslationsOf(words, "produkt").empty());
  EXPECT_TRUE(TranslateNameWords(Lexicon(), {"hersteller"}).empty());
}

// Debian's FreeDict German-English dictionaries (scripts/deps.sh installs them).
TEST(LexiconFreeDictTest, ReadsDebiansGermanEnglishDictionaries) {
  const fs::path forward = "/usr/share/dictd/freedict-deu-eng";
  const fs::path backward = "/usr/share/dictd/freedict-eng-deu";
  if (!fs::exists(forward.string() + ".index") || !fs::exists(backward.string() + ".index")) {
    GTEST_SKIP() << "dict-freedict-deu-eng and dict-freedict-eng-deu are not installed";
  }
  auto lexicon = Lexicon::Load(forward, backward);
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_GT(lexicon->pairs(), 10000u);
  EXPECT_TRUE(lexicon->Translates("lehrer", "instructor"));
  EXPECT_TRUE(lexicon->Translates("hersteller", "manufacturer"));
  EXPECT_TRUE(lexicon->Translates("mannschaft", "team"));
  EXPECT_TRUE(lexicon->Translates("veranstaltung", "event"));
  EXPECT_FALSE(lexicon->Translates("rang", "station"));  // obsolete
}

}  // namespace
}  // namespace cairn::context

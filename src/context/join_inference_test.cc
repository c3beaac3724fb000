#include "context/join_inference.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "context/internal/join_names.h"
#include "context/profile_testing.h"
#include "engine/session.h"

namespace cairn::context {
namespace {

TEST(NameTokensTest, SplitsSnakeCamelAndAcronyms) {
  EXPECT_EQ(NameTokens("CustomerID"), (std::vector<std::string>{"customer", "id"}));
  EXPECT_EQ(NameTokens("customer_id"), (std::vector<std::string>{"customer", "id"}));
  EXPECT_EQ(NameTokens("MediaTypeId"), (std::vector<std::string>{"media", "type", "id"}));
  EXPECT_EQ(NameTokens("HTTPServer"), (std::vector<std::string>{"http", "server"}));
  EXPECT_EQ(NameTokens("sänger_id"), (std::vector<std::string>{"sänger", "id"}));
  EXPECT_EQ(NameTokens("Order Details"), (std::vector<std::string>{"order", "details"}));
}

TEST(SingularTest, EnglishPlurals) {
  EXPECT_EQ(Singular("categories"), "category");
  EXPECT_EQ(Singular("customers"), "customer");
  EXPECT_EQ(Singular("addresses"), "address");
  EXPECT_EQ(Singular("status"), "status");
  EXPECT_EQ(Singular("class"), "class");
}

TEST(NameScoreTest, RelatedNamesScoreHighUnrelatedZero) {
  EXPECT_GE(NameScore("customer_id", "customers", "id"), 0.95);
  EXPECT_GE(NameScore("CustomerId", "Customer", "CustomerId"), 0.95);
  EXPECT_GE(NameScore("CategoryID", "Categories", "CategoryID"), 0.95);
  EXPECT_GE(NameScore("kunden_adresse_id", "adressen", "adresse_id"), 0.7);
  EXPECT_GE(NameScore("sänger_id", "sänger", "sänger_id"), 0.95);
  EXPECT_GT(NameScore("SupportRepId", "Employee", "EmployeeId"), 0.4);  // role word
  EXPECT_GT(NameScore("ReportsTo", "Employees", "EmployeeID"), 0.4);
  EXPECT_GT(NameScore("ShipVia", "Shippers", "ShipperID"), 0.3);  // shared stem
  EXPECT_EQ(NameScore("Milliseconds", "Album", "AlbumId"), 0);
  EXPECT_EQ(NameScore("id", "Album", "AlbumId"), 0);
  EXPECT_LT(NameScore("GenreId", "MediaType", "MediaTypeId"), 0.3);
}

TEST(NameScoreTest, TheHeadOfTheNameNamesTheEntity) {
  // A product quantity is a quantity; a rental duration is a duration.
  EXPECT_EQ(NameScore("produktmenge", "produkte", "produkt_id"), 0);
  EXPECT_EQ(NameScore("verleihdauer", "verleih", "miete_id"), 0);
  // Before "der"/"of"/"via" the head: the staff member's address is an address.
  EXPECT_GE(NameScore("adresse_der_mitarbeiter", "adressen", "adresse_id"), 0.8);
  EXPECT_EQ(NameScore("adresse_der_mitarbeiter", "mitarbeiter", "mitarbeiter_id"), 0);
  // A key word closing a German compound, and a role's number.
  EXPECT_GE(NameScore("vereinskennung_1", "verein", "verein_id"), 0.95);
  EXPECT_GE(NameScore("team_id_2", "teams", "id"), 0.95);
  // Names with a key word may name the entity anywhere.
  EXPECT_GE(NameScore("kunden_adresse_id", "adressen", "adresse_id"), 0.7);
  // An agent noun is another thing (a game is no player), unless the name says who acts.
  EXPECT_EQ(NameScore("spiel_id", "spieler", "spieler_id"), 0);
  EXPECT_GT(NameScore("ShipVia", "Shippers", "ShipperID"), 0.3);
}

TEST(InferJoinsTest, FindsKeyForeignKeyPairAndKeepsEvidence) {
  std::vector<int64_t> refs;
  for (int i = 0; i < 500; ++i) refs.push_back(1 + i % 40);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders",
            {IntColumn("order_id", Range(1, 501), true), IntColumn("customer_id", refs, false),
             IntColumn("quantity", std::vector<int64_t>(500, 3), false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].from, (JoinSide{"s", "orders", {"customer_id"}}));
  EXPECT_EQ(joins[0].to, (JoinSide{"s", "customers", {"id"}}));
  EXPECT_EQ(joins[0].kind, JoinKind::kInferred);
  EXPECT_GE(joins[0].score, 0.9);
  EXPECT_EQ(joins[0].evidence["containment_method"], "exact");
  EXPECT_DOUBLE_EQ(joins[0].evidence["containment"].get<double>(), 1.0);
  EXPECT_EQ(joins[0].evidence["cardinality"], "many_to_one");
}

TEST(InferJoinsTest, ValuesOutsideTheKeyAreNoJoin) {
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {IntColumn("customer_id", Range(100, 200), false)}),
  };
  EXPECT_TRUE(InferJoins(tables).empty());
}

TEST(InferJoinsTest, CompositeKeyOfTwoColumns) {
  std::vector<int64_t> a, b;
  for (int i = 0; i < 100; ++i) {
    a.push_back(1 + i / 10);
    b.push_back(1 + i % 10);
  }
  std::vector<TableProfile> tables = {
      Table("playlist_track", {IntColumn("playlist_id", a, true), IntColumn("track_id", b, true)}),
      Table("plays", {IntColumn("play_id", Range(1, 31), true),
                      IntColumn("playlist_id", std::vector<int64_t>(30, 2), false),
                      IntColumn("track_id", std::vector<int64_t>(30, 5), false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  bool composite = false;
  for (const auto& j : joins) {
    if (j.from.columns.size() == 2) {
      composite = true;
      EXPECT_EQ(j.from, (JoinSide{"s", "plays", {"playlist_id", "track_id"}}));
      EXPECT_EQ(j.to, (JoinSide{"s", "playlist_track", {"playlist_id", "track_id"}}));
    }
  }
  EXPECT_TRUE(composite);
}

TEST(InferJoinsTest, DeclaredKeysBecomeDeclaredJoinsAndAreNotInferredAgain) {
  std::vector<int64_t> refs;
  for (int i = 0; i < 100; ++i) refs.push_back(1 + i % 20);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {IntColumn("customer_id", refs, false)}),
  };
  tables[1].keys.push_back({DeclaredKey::Type::kForeign, {"customer_id"}, "customers", {"id"}});
  std::vector<Join> declared = DeclaredJoins(tables);
  ASSERT_EQ(declared.size(), 1u);
  EXPECT_EQ(declared[0].kind, JoinKind::kDeclared);
  EXPECT_EQ(declared[0].score, 1);
  EXPECT_TRUE(InferJoins(tables, {}, declared).empty());
}

// A column a declared foreign key references is the entity's identifier, even when it is no
// primary key and its values repeat (a team per season): the same column elsewhere, undeclared,
// references it too. Without that declaration the repeating column is no key at all.
TEST(InferJoinsTest, AColumnADeclaredKeyReferencesIsAKeyForTheSameColumnElsewhere) {
  std::vector<int64_t> seasons, teams, refs;
  for (int i = 0; i < 60; ++i) {
    seasons.push_back(2000 + i / 20);
    teams.push_back(100 + i % 20);
  }
  for (int i = 0; i < 200; ++i) refs.push_back(100 + i % 15);
  std::vector<TableProfile> tables = {
      Table("mannschaft", {IntColumn("jahr", seasons, false), IntColumn("team_id", teams, false)}),
      Table("auftritte", {IntColumn("team_id", refs, false)}),
      Table("gehalt", {IntColumn("team_id", refs, false), IntColumn("gehalt", refs, false)}),
  };
  EXPECT_TRUE(InferJoins(tables).empty());

  tables[1].keys.push_back({DeclaredKey::Type::kForeign, {"team_id"}, "mannschaft", {"team_id"}});
  std::vector<Join> joins = InferJoins(tables, {}, DeclaredJoins(tables));
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].from, (JoinSide{"s", "gehalt", {"team_id"}}));
  EXPECT_EQ(joins[0].to, (JoinSide{"s", "mannschaft", {"team_id"}}));
  EXPECT_EQ(joins[0].evidence["key"], "declared_reference");
  EXPECT_GE(joins[0].score, 0.9);

  // Empty tables (the schema alone): the name must then fit, as for a declared primary key.
  std::vector<TableProfile> empty = {
      Table("mannschaft", {IntColumn("jahr", {}, false), IntColumn("team_id", {}, false)}),
      Table("auftritte", {IntColumn("team_id", {}, false)}),
      Table("gehalt", {IntColumn("team_id", {}, false), IntColumn("jahr_id", {}, false)}),
  };
  empty[1].keys = tables[1].keys;
  joins = InferJoins(empty, {}, DeclaredJoins(empty));
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].from, (JoinSide{"s", "gehalt", {"team_id"}}));
  EXPECT_EQ(joins[0].to, (JoinSide{"s", "mannschaft", {"team_id"}}));
}

TEST(InferJoinsTest, EmptyAndAllNullColumnsDoNotCrashOrMatchByValue) {
  ColumnProfile empty = IntColumn("customer_id", {}, false);
  ColumnProfiler nulls;
  for (int i = 0; i < 10; ++i) nulls.Add(engine::Value::Null());
  ColumnProfile all_null;
  all_null.name = "note";
  nulls.Finish(&all_null);
  std::vector<TableProfile> tables = {
      Table("customers", {IntColumn("id", Range(1, 51), true)}),
      Table("orders", {empty, all_null}),
  };
  std::vector<Join> joins = InferJoins(tables);
  // The empty customer_id is matched by name alone (containment "none"), all-NULL note never.
  for (const auto& j : joins) EXPECT_NE(j.from.columns[0], "note");
}

// A column of a table with no rows.
ColumnProfile EmptyColumn(const std::string& name, bool pk) { return IntColumn(name, {}, pk); }

const Join* Find(const std::vector<Join>& joins, const std::string& from_table,
                 const std::string& from_column) {
  for (const auto& j : joins) {
    if (j.from.table == from_table && j.from.columns == std::vector<std::string>{from_column}) {
      return &j;
    }
  }
  return nullptr;
}

TEST(InferJoinsTest, ATablesOwnKeyReferencesAnotherOnlyWhenItsNameSaysSo) {
  std::vector<TableProfile> tables = {
      Table("teile", {IntColumn("teil_id", Range(1, 101), true)}),
      // A part's fault, numbered 1..50: contained in teile.teil_id, but a fault is no part.
      Table("bauteilfehler", {IntColumn("teil_fehler_id", Range(1, 51), true)}),
      Table("transaktionen", {IntColumn("transaktions_id", Range(1, 101), true)}),
      // A sale is a transaction: a subtype, one to one.
      Table("verkaeufe", {IntColumn("verkaufstransaktion_id", Range(1, 31), true)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  EXPECT_EQ(Find(joins, "bauteilfehler", "teil_fehler_id"), nullptr);
  const Join* sale = Find(joins, "verkaeufe", "verkaufstransaktion_id");
  ASSERT_NE(sale, nullptr);
  EXPECT_EQ(sale->to, (JoinSide{"s", "transaktionen", {"transaktions_id"}}));
  EXPECT_EQ(sale->evidence["cardinality"], "one_to_one");
}

// Sparse ids shared by a table's own key and a larger key are no accident: museums among tourist
// attractions, whatever the names say. Dense ids 1..n say nothing (the test above).
TEST(InferJoinsTest, ATablesOwnKeyAmongASparseKeysValuesIsASubtype) {
  const std::vector<int64_t> attractions = {2113, 2701, 5076, 5265, 6476, 6523, 6653, 6852,
                                            7067, 8429, 8449, 8698, 9360, 9561, 9919};
  std::vector<TableProfile> tables = {
      Table("touristische_attraktionen", {IntColumn("touristenattraktion_id", attractions, true)}),
      Table("museen", {IntColumn("museum_id", {2113, 2701, 5076}, true)}),
      Table("strassenmaerkte", {IntColumn("markt_id", {6852, 7067}, true)}),
      // One id is no evidence; nor are ids outside the key.
      Table("hotels", {IntColumn("hotel_id", {8429}, true)}),
      Table("geschaefte", {IntColumn("shop_id", {8429, 8449, 8500}, true)}),
      // Two tables with the same ids: which is the kind of which is not known.
      Table("orte", {IntColumn("ort_id", {1117, 3301, 4409, 9001}, true)}),
      Table("adressen", {IntColumn("adress_id", {1117, 3301, 4409, 9001}, true)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  for (const char* table : {"museen", "strassenmaerkte"}) {
    SCOPED_TRACE(table);
    const Join* kind = nullptr;
    for (const auto& join : joins) {
      if (join.from.table == table) kind = &join;
    }
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->to, (JoinSide{"s", "touristische_attraktionen", {"touristenattraktion_id"}}));
    EXPECT_EQ(kind->evidence["values_alone"], true);
    EXPECT_EQ(kind->evidence["cardinality"], "one_to_one");
    EXPECT_GE(kind->score, 0.6);
  }
  for (const auto& join : joins) {
    EXPECT_NE(join.from.table, "hotels");
    EXPECT_NE(join.from.table, "geschaefte");
    EXPECT_NE(join.from.table, "orte") << join.ToJson().dump();
    EXPECT_NE(join.from.table, "adressen") << join.ToJson().dump();
  }
  // The same ids spread densely (1..15): contained by chance, no join.
  tables[0] =
      Table("touristische_attraktionen", {IntColumn("touristenattraktion_id", Range(1, 16), true)});
  tables[1] = Table("museen", {IntColumn("museum_id", {2, 3, 5}, true)});
  for (const auto& join : InferJoins(tables)) EXPECT_NE(join.from.table, "museen");
}
TEST(InferJoinsTest, AnEmptyReferencedTableNeedsADeclaredKeyAndAName) {
  std::vector<TableProfile> tables = {
      Table("store", {EmptyColumn("store_id", true)}),
      Table("inventory",
            {IntColumn("inventory_id", Range(1, 101), true),
             IntColumn("store_id", {1, 2, 1, 2}, false), IntColumn("shelf", {1, 2, 3, 4}, false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  const Join* store = Find(joins, "inventory", "store_id");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->to, (JoinSide{"s", "store", {"store_id"}}));
  EXPECT_EQ(store->evidence["containment_method"], "none");
  EXPECT_LT(store->score, 0.9);  // unconfirmed by values
  EXPECT_EQ(Find(joins, "inventory", "shelf"), nullptr);
  // Without a declared key the empty column is no key.
  tables[0].keys.clear();
  tables[0].columns[0].primary_key = false;
  EXPECT_EQ(Find(InferJoins(tables), "inventory", "store_id"), nullptr);
}

// Columns named alike but for their last word are siblings: when two of them reference one key
// by values alone, a third with too few values to tell alone references it too.
TEST(InferJoinsTest, SiblingsFollowTheKeyTheirSiblingsReference) {
  std::vector<int64_t> president, secretary;
  for (int i = 0; i < 40; ++i) {
    president.push_back(1001 + (i * 7) % 30);
    secretary.push_back(1002 + (i * 11) % 20);
  }
  std::vector<TableProfile> tables = {
      Table("schueler", {IntColumn("student_id", Range(1001, 1035), true)}),
      Table("stimmzettel", {IntColumn("stimme_des_praesidenten", president, false),
                            IntColumn("stimme_des_sekretaers", secretary, false),
                            IntColumn("stimme_des_senators", {1003, 1017, 1003}, false),
                            IntColumn("stimme_des_kassierers", {1003, 1500, 1003}, false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  ASSERT_NE(Find(joins, "stimmzettel", "stimme_des_praesidenten"), nullptr);
  ASSERT_NE(Find(joins, "stimmzettel", "stimme_des_sekretaers"), nullptr);
  const Join* senator = Find(joins, "stimmzettel", "stimme_des_senators");
  ASSERT_NE(senator, nullptr);
  EXPECT_EQ(senator->to, (JoinSide{"s", "schueler", {"student_id"}}));
  EXPECT_EQ(senator->evidence["values_alone"], true);
  EXPECT_EQ(senator->evidence["siblings"],
            (nlohmann::json{"stimme_des_praesidenten", "stimme_des_sekretaers"}));
  EXPECT_GE(senator->score, 0.6);
  // A value outside the key: no reference.
  EXPECT_EQ(Find(joins, "stimmzettel", "stimme_des_kassierers"), nullptr);
  // One sibling alone shows nothing.
  tables[1].columns.erase(tables[1].columns.begin() + 1);
  joins = InferJoins(tables);
  ASSERT_NE(Find(joins, "stimmzettel", "stimme_des_praesidenten"), nullptr);
  EXPECT_EQ(Find(joins, "stimmzettel", "stimme_des_senators"), nullptr);
}

// hochzeit(kirche_id, maenner_id, weibliche_id), keyed by all three: kirche_id names the
// churches, and the men's and the women's ids, small numbers, are among the churches' keys and
// the people's. The people, whom nothing else references, are theirs.
TEST(InferJoinsTest, ALinkTablesKeyColumnsBesideANamedReferenceFindALooseEnd) {
  const std::vector<TableProfile> base = {
      Table("leute", {IntColumn("personen_id", Range(1, 13), true)}),
      Table("kirche", {IntColumn("kirche_id", Range(1, 10), true)}),
      Table("hochzeit", {IntColumn("kirche_id", {1, 3, 5, 6}, true),
                         IntColumn("maenner_id", {1, 3, 5, 7}, true),
                         IntColumn("weibliche_id", {2, 4, 6, 8}, true),
                         IntColumn("jahr", {2014, 2015, 2016, 2016}, false)}),
  };
  std::vector<Join> joins = InferJoins(base);
  for (const char* column : {"maenner_id", "weibliche_id"}) {
    const Join* j = Find(joins, "hochzeit", column);
    ASSERT_NE(j, nullptr) << column;
    EXPECT_EQ(j->to, (JoinSide{"s", "leute", {"personen_id"}}));
    EXPECT_EQ(j->evidence["values_alone"], true);
    EXPECT_EQ(j->evidence["beside"], (nlohmann::json{"kirche_id"}));
    EXPECT_GE(j->score, 0.6);
  }
  ASSERT_NE(Find(joins, "hochzeit", "kirche_id"), nullptr);
  EXPECT_EQ(Find(joins, "hochzeit", "jahr"), nullptr);
  // The same when the churches' reference is declared, not inferred.
  std::vector<Join> declared(1);
  declared[0].from = {"s", "hochzeit", {"kirche_id"}};
  declared[0].to = {"s", "kirche", {"kirche_id"}};
  declared[0].kind = JoinKind::kDeclared;
  declared[0].score = 1;
  joins = InferJoins(base, {}, declared);
  const Join* men = Find(joins, "hochzeit", "maenner_id");
  ASSERT_NE(men, nullptr);
  EXPECT_EQ(men->to, (JoinSide{"s", "leute", {"personen_id"}}));
  // Without a reference by name the values do not tell a church from a person.
  std::vector<TableProfile> tables = base;
  tables[2].columns[0].name = "ort";
  tables[2].keys[0].columns[0] = "ort";
  EXPECT_EQ(Find(InferJoins(tables), "hochzeit", "maenner_id"), nullptr);
  // Outside the table's key a small number is a count or a rank, as ever.
  tables = base;
  tables[2].columns[1].primary_key = false;
  tables[2].keys[0].columns = {"kirche_id", "weibliche_id"};
  joins = InferJoins(tables);
  EXPECT_EQ(Find(joins, "hochzeit", "maenner_id"), nullptr);
  EXPECT_NE(Find(joins, "hochzeit", "weibliche_id"), nullptr);
  // People another table references by name are no loose end: such a column was not left to
  // find them (a rank in a results table's key fits the players' ids by chance).
  tables = base;
  tables.push_back(Table("adressen", {IntColumn("adresse_id", Range(100, 110), true),
                                      IntColumn("personen_id", {1, 2, 3, 4}, false)}));
  joins = InferJoins(tables);
  ASSERT_NE(Find(joins, "adressen", "personen_id"), nullptr);
  EXPECT_EQ(Find(joins, "hochzeit", "maenner_id"), nullptr);
}

// "follower_id" names follows, its own table, which is keyed by two columns: no key there to
// reference, so the name says nothing and the values find the users.
TEST(InferJoinsTest, ANameThatNamesOnlyAKeylessTableLeavesTheValuesToDecide) {
  std::vector<TableProfile> tables = {
      Table("benutzerprofile", {IntColumn("uid", Range(1, 9), true)}),
      Table("tweets", {IntColumn("id", {1, 2, 4, 5, 6, 7, 8, 9}, true)}),
      Table("follows", {IntColumn("user_id", {1, 2, 7, 1, 3, 5, 5, 1, 3}, true),
                        IntColumn("follower_id", {2, 3, 1, 3, 6, 5, 1, 5, 4}, true)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  const Join* follower = Find(joins, "follows", "follower_id");
  ASSERT_NE(follower, nullptr);
  EXPECT_EQ(follower->to, (JoinSide{"s", "benutzerprofile", {"uid"}}));
  EXPECT_EQ(follower->evidence["values_alone"], true);
  // The same without the name index (every table and key searched).
  InferenceOptions unblocked;
  unblocked.block_by_name = false;
  joins = InferJoins(tables, unblocked);
  ASSERT_NE(Find(joins, "follows", "follower_id"), nullptr);
  // A follows table with a key of its own is what the name names: no reference to the users.
  tables[2].columns[0].primary_key = false;
  tables[2].columns[1].primary_key = false;
  tables[2].keys.clear();
  tables[2].columns.insert(tables[2].columns.begin(),
                           IntColumn("follow_id", Range(100, 109), true));
  tables[2].keys.push_back({DeclaredKey::Type::kPrimary, {"follow_id"}, "", {}});
  EXPECT_EQ(Find(InferJoins(tables), "follows", "follower_id"), nullptr);
}

TEST(NameScoreTest, ALexiconMakesATranslationASimilarWord) {
  Lexicon lexicon = Lexicon::FromPairs({{"hersteller", "manufacturer"}, {"lehrer", "instructor"}});
  EXPECT_EQ(NameScore("manufacturer_id", "hersteller", "id"), 0);
  EXPECT_GE(NameScore("manufacturer_id", "hersteller", "id", &lexicon), 0.6);
  // Plural and singular on either side, and either language referencing.
  EXPECT_GE(NameScore("instructor_id", "lehrer", "lehrer_id", &lexicon), 0.6);
  EXPECT_GE(NameScore("lehrer_id", "instructors", "id", &lexicon), 0.6);
  // A translation is a similar word, not the same one.
  EXPECT_LT(NameScore("manufacturer_id", "hersteller", "id", &lexicon),
            NameScore("hersteller_id", "hersteller", "id", &lexicon));
  EXPECT_EQ(NameScore("price", "hersteller", "id", &lexicon), 0);
}

TEST(NameScoreTest, AGermanPluralInEnIsTheSingularInUmOrA) {
  EXPECT_GE(NameScore("album_id", "alben", "aid"), 0.6);
  EXPECT_GE(NameScore("firmen_id", "firma", "id"), 0.6);
  EXPECT_GE(NameScore("medium_id", "media", "id"), 0.6);
  // Short words and other endings are not plurals of each other.
  EXPECT_EQ(NameScore("datum_id", "data", "id"), 0);
  EXPECT_EQ(NameScore("album_id", "albern", "id"), 0);
}

TEST(NameScoreTest, AGermanPluralByUmlautIsTheSameWord) {
  EXPECT_EQ(internal::FoldUmlauts("flughäfen"), "flughafen");
  EXPECT_EQ(internal::FoldUmlauts("Straße_Öl_Über"), "Strasse_ol_uber");
  // Before folding, "flughäfen" was another word: 0.76, under the 0.8 a name needs alone.
  EXPECT_GE(NameScore("quelle_flughafen_id", "flughäfen", "flughafen_id"), 0.8);
  EXPECT_GE(NameScore("zielflughafen_id", "flughäfen", "flughafen_id"), 0.8);
  EXPECT_GE(NameScore("stadt_id", "städte", "id"), 0.6);
  EXPECT_EQ(NameScore("preis", "flughäfen", "flughafen_id"), 0);
}

TEST(InferJoinsTest, AGermanPluralByUmlautNamesItsEmptyTableWithAndWithoutTheNameIndex) {
  std::vector<TableProfile> tables = {
      Table("flughäfen", {EmptyColumn("flughafen_id", true)}),
      Table("strecken", {EmptyColumn("strecke_id", true), EmptyColumn("zielflughafen_id", false),
                         EmptyColumn("quelle_flughafen_id", false)}),
  };
  for (bool block : {true, false}) {
    InferenceOptions options;
    options.block_by_name = block;
    std::vector<Join> joins = InferJoins(tables, options);
    for (const char* column : {"zielflughafen_id", "quelle_flughafen_id"}) {
      const Join* join = Find(joins, "strecken", column);
      ASSERT_NE(join, nullptr) << column << " " << block;
      EXPECT_EQ(join->to, (JoinSide{"s", "flughäfen", {"flughafen_id"}})) << column;
    }
  }
}

// Without values only the declared types tell what a column holds: a number and text (or a
// date) relate only under one column name, as a reference kept as text in sloppy DDL does.
TEST(InferJoinsTest, WithoutValuesANumberAndTextRelateOnlyUnderOneName) {
  auto typed = [](ColumnProfile c, const std::string& source_type) {
    c.source_type = source_type;
    return c;
  };
  std::vector<TableProfile> tables = {
      Table("adressen", {EmptyColumn("adresse_id", true)}),
      Table("kunden", {EmptyColumn("kunden_id", true), EmptyColumn("adresse_id", false),
                       typed(TextColumn("e_mail_adresse", {}, false), "VARCHAR(40)"),
                       typed(IntColumn("datum_adresse_von", {}, false), "DATETIME")}),
      Table("stadt", {typed(EmptyColumn("stadt_id", true), "INT"),
                      typed(TextColumn("stadt", {}, false), "TEXT")}),
      Table("partei", {typed(EmptyColumn("partei_id", true), "INT")}),
      Table("mitglied",
            {EmptyColumn("mitglied_id", true), typed(TextColumn("partei_id", {}, false), "TEXT")}),
  };
  tables[1].columns[3].declared_type = "NUMERIC";  // DATETIME's SQLite affinity
  for (bool block : {true, false}) {
    InferenceOptions options;
    options.block_by_name = block;
    std::vector<Join> joins = InferJoins(tables, options);
    ASSERT_NE(Find(joins, "kunden", "adresse_id"), nullptr) << block;
    EXPECT_EQ(Find(joins, "kunden", "e_mail_adresse"), nullptr) << block;
    EXPECT_EQ(Find(joins, "kunden", "datum_adresse_von"), nullptr) << block;
    EXPECT_EQ(Find(joins, "stadt", "stadt"), nullptr) << block;
    const Join* party = Find(joins, "mitglied", "partei_id");
    ASSERT_NE(party, nullptr) << block;
    EXPECT_EQ(party->to, (JoinSide{"s", "partei", {"partei_id"}}));
  }
}

TEST(InferJoinsTest, AGermanPluralNamesItsTableWithAndWithoutTheNameIndex) {
  // Two keys hold the same values, so values alone cannot decide; "album" names "alben".
  std::vector<TableProfile> tables = {
      Table("alben", {IntColumn("aid", Range(1, 31), true)}),
      Table("lager", {IntColumn("id", Range(1, 31), true)}),
      Table("titel_listen", {IntColumn("titel_id", Range(1, 201), true),
                             IntColumn("album_id", {3, 5, 7, 9, 11, 13, 2, 4, 30, 21}, false)}),
  };
  for (bool block : {true, false}) {
    InferenceOptions options;
    options.block_by_name = block;
    std::vector<Join> joins = InferJoins(tables, options);
    const Join* join = Find(joins, "titel_listen", "album_id");
    ASSERT_NE(join, nullptr) << block;
    EXPECT_EQ(join->to.table, "alben");
    EXPECT_EQ(join->to.columns, std::vector<std::string>{"aid"});
  }
}

TEST(InferJoinsTest, ALexiconLetsANameInOneLanguageReferenceATableNamedInAnother) {
  // Two keys hold the same values, so values alone cannot decide; the name can, translated.
  std::vector<TableProfile> tables = {
      Table("hersteller", {IntColumn("id", Range(1, 31), true)}),
      Table("lager", {IntColumn("id", Range(1, 31), true)}),
      Table("products", {IntColumn("product_id", Range(1, 201), true),
                         IntColumn("manufacturer_id", {3, 5, 7, 9, 11, 13, 2, 4, 30, 21}, false)}),
  };
  EXPECT_EQ(Find(InferJoins(tables), "products", "manufacturer_id"), nullptr);
  InferenceOptions options;
  options.lexicon = std::make_shared<const Lexicon>(
      Lexicon::FromPairs({{"hersteller", "manufacturer"}, {"lager", "warehouse"}}));
  std::vector<Join> joins = InferJoins(tables, options);
  const Join* made = Find(joins, "products", "manufacturer_id");
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(made->to, (JoinSide{"s", "hersteller", {"id"}}));
  EXPECT_GE(made->score, 0.6);
  EXPECT_EQ(made->evidence["translation"], nlohmann::json({"manufacturer", "hersteller"}));
  // The name index finds what scoring every pair finds.
  options.block_by_name = false;
  std::vector<Join> every_pair = InferJoins(tables, options);
  const Join* unblocked = Find(every_pair, "products", "manufacturer_id");
  ASSERT_NE(unblocked, nullptr);
  EXPECT_EQ(unblocked->to, made->to);
  EXPECT_EQ(unblocked->score, made->score);
}

TEST(InferJoinsTest, ValuesAloneFindTheOnlyKeyThatHoldsThem) {
  std::vector<int64_t> votes;
  for (int i = 0; i < 40; ++i) votes.push_back(1001 + (i * 7) % 30);
  std::vector<TableProfile> tables = {
      Table("schueler", {IntColumn("student_id", Range(1001, 1035), true)}),
      Table("wahlen", {IntColumn("wahl_id", Range(1, 6), true)}),
      Table("stimmzettel", {IntColumn("stimme_des_praesidenten", votes, false),
                            IntColumn("rang", {1, 2, 3, 4, 5, 1, 2}, false)}),
  };
  std::vector<Join> joins = InferJoins(tables);
  const Join* vote = Find(joins, "stimmzettel", "stimme_des_praesidenten");
  ASSERT_NE(vote, nullptr);
  EXPECT_EQ(vote->to, (JoinSide{"s", "schueler", {"student_id"}}));
  EXPECT_EQ(vote->evidence["values_alone"], true);
  EXPECT_GE(vote->score, 0.6);
  // Small numbers under a name without a key word are no reference (a rank, a count).
  EXPECT_EQ(Find(joins, "stimmzettel", "rang"), nullptr);
  // Nor are years, which fall among many keys' numbers: a vessel's year of build is not a move.
  std::vector<TableProfile> port = {
      Table("moves", {IntColumn("move_id", Range(1, 8470), true)}),
      Table("vessels", {IntColumn("imo", Range(9100001, 9100041), true),
                        IntColumn("built_year", Range(1996, 2024), false),
                        IntColumn("baujahr", Range(1996, 2024), false),
                        IntColumn("launched", Range(1996, 2024), false)}),
  };
  std::vector<Join> port_joins = InferJoins(port);
  EXPECT_EQ(Find(port_joins, "vessels", "built_year"), nullptr);
  EXPECT_EQ(Find(port_joins, "vessels", "baujahr"), nullptr);
  // The same values under a name that does not say year are found (the rule is the name's).
  EXPECT_NE(Find(port_joins, "vessels", "launched"), nullptr);
  // The rule can be turned off: names must then relate.
  InferenceOptions names_only;
  names_only.values_alone = false;
  EXPECT_EQ(Find(InferJoins(tables, names_only), "stimmzettel", "stimme_des_praesidenten"),
            nullptr);
  // When two keys hold the values, the values do not tell which.
  tables.push_back(Table("alumni", {IntColumn("alumni_id", Range(1001, 1100), true)}));
  EXPECT_EQ(Find(InferJoins(tables), "stimmzettel", "stimme_des_praesidenten"), nullptr);
}

// Each way a name can relate, found through the name index as by scoring every pair: a name
// that ends in the table's (billingaddress_id), a role for a person (sales_rep), a prefix
// either way (kunde/kunden, artisten/artist), the very same name in other words
// (no_customer_code/nocustomer_code, nothing else in common), a self-reference,
// values alone, and a composite key's parts.
TEST(InferJoinsTest, TheNameIndexFindsWhatScoringEveryPairFinds) {
  std::vector<int64_t> refs;
  for (int i = 0; i < 60; ++i) refs.push_back(101 + (i * 7) % 40);
  std::vector<int64_t> parents = {1, 1, 2, 3, 3}, line_orders, lines;
  for (int i = 0; i < 100; ++i) {
    line_orders.push_back(1 + i / 10);
    lines.push_back(1 + i % 10);
  }
  std::vector<TableProfile> tables = {
      Table("order_lines",
            {IntColumn("order_no", line_orders, true), IntColumn("line_no", lines, true)}),
      Table("returns", {IntColumn("return_id", Range(1, 31), true),
                        IntColumn("order_no", std::vector<int64_t>(30, 2), false),
                        IntColumn("orderline_no", std::vector<int64_t>(30, 5), false)}),
      Table("address", {IntColumn("address_id", Range(101, 151), true)}),
      Table("employees",
            {IntColumn("employee_id", Range(101, 161), true), IntColumn("mentor", refs, false)}),
      Table("kunden", {IntColumn("kunden_id", Range(101, 171), true)}),
      Table("regions", {IntColumn("RegionCode", Range(101, 181), true)}),
      Table("nodes",
            {IntColumn("node_id", Range(1, 6), true), IntColumn("parent", parents, false)}),
      Table("badges", {IntColumn("badge_id", Range(5001, 5100), true)}),
      Table("music_artist", {IntColumn("music_artist_id", Range(101, 191), true)}),
      Table("clients", {IntColumn("nocustomer_code", Range(101, 201), true)}),
      Table("orders",
            {IntColumn("order_id", Range(1, 61), true), IntColumn("billingaddress_id", refs, false),
             IntColumn("sales_rep", refs, false), IntColumn("kunde_id", refs, false),
             IntColumn("region_code", refs, false), IntColumn("artisten_id", refs, false),
             IntColumn("no_customer_code", refs, false),
             IntColumn("awarded", Range(5001, 5061), false)}),
  };
  for (double threshold : {0.3, 0.6, 0.8}) {
    InferenceOptions every_pair, indexed;
    every_pair.threshold = indexed.threshold = threshold;
    every_pair.block_by_name = false;
    std::vector<Join> want = InferJoins(tables, every_pair);
    std::vector<Join> got = InferJoins(tables, indexed);
    ASSERT_EQ(got.size(), want.size()) << threshold;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i].ToJson(), want[i].ToJson());
  }
  std::vector<Join> joins = InferJoins(tables);
  for (const auto& [column, table] :
       std::vector<std::pair<std::string, std::string>>{{"billingaddress_id", "address"},
                                                        {"sales_rep", "employees"},
                                                        {"kunde_id", "kunden"},
                                                        {"region_code", "regions"},
                                                        {"artisten_id", "music_artist"},
                                                        {"no_customer_code", "clients"}}) {
    const Join* j = Find(joins, "orders", column);
    ASSERT_NE(j, nullptr) << column;
    EXPECT_EQ(j->to.table, table) << column;
  }
  bool composite = false;  // a part named by the name's ending: orderline_no -> line_no
  for (const auto& j : joins) {
    composite =
        composite || (j.from.columns == std::vector<std::string>{"order_no", "orderline_no"} &&
                      j.to.table == "order_lines");
  }
  EXPECT_TRUE(composite);
  ASSERT_NE(Find(joins, "orders", "awarded"), nullptr);
  EXPECT_EQ(Find(joins, "orders", "awarded")->evidence["values_alone"], true);
  ASSERT_NE(Find(joins, "nodes", "parent"), nullptr);
  EXPECT_EQ(Find(joins, "nodes", "parent")->to.table, "nodes");
}

// Tuple sketches of integer pairs.
TupleSketch Tuples(const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  TupleProfiler profiler;
  for (const auto& [a, b] : pairs) {
    profiler.Add({engine::Value::Integer(a), engine::Value::Integer(b)});
  }
  return profiler.Finish();
}

TEST(InferJoinsTest, CompositeKeysAreCheckedAsTuples) {
  // sections(course_id, sec_id): (1,1), (1,2), (2,1); each column of (2,2) is found, the tuple
  // is not.
  std::vector<std::pair<int64_t, int64_t>> keys = {{1, 1}, {1, 2}, {2, 1}};
  std::vector<std::pair<int64_t, int64_t>> good = {{1, 1}, {1, 2}, {1, 1}, {2, 1}};
  std::vector<std::pair<int64_t, int64_t>> bad = {{2, 2}, {2, 2}, {1, 1}, {2, 2}};
  auto column = [](const std::string& name, const std::vector<std::pair<int64_t, int64_t>>& p,
                   bool first, bool pk) {
    std::vector<int64_t> values;
    for (const auto& [a, b] : p) values.push_back(first ? a : b);
    return IntColumn(name, values, pk);
  };
  std::vector<TableProfile> tables = {
      Table("sections",
            {column("course_id", keys, true, true), column("sec_id", keys, false, true)}),
      Table("takes",
            {column("course_id", good, true, false), column("sec_id", good, false, false)}),
  };
  InferenceOptions options;
  std::vector<std::pair<int64_t, int64_t>>* takes = &good;
  int reads = 0;
  options.tuples = [&](const JoinSide& side, bool whole) -> Result<TupleSketch> {
    ++reads;
    EXPECT_EQ(whole, side.table == "sections");
    return Tuples(side.table == "sections" ? keys : *takes);
  };
  auto composite = [](const std::vector<Join>& joins) -> const Join* {
    for (const auto& j : joins) {
      if (j.from.columns.size() == 2) return &j;
    }
    return nullptr;
  };
  std::vector<Join> joins = InferJoins(tables, options);
  const Join* found = composite(joins);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->from, (JoinSide{"s", "takes", {"course_id", "sec_id"}}));
  EXPECT_DOUBLE_EQ(found->evidence["tuple_containment"].get<double>(), 1.0);
  EXPECT_EQ(found->evidence["tuple_method"], "exact");
  EXPECT_EQ(found->evidence["from_tuples"], 3);
  EXPECT_EQ(found->evidence["from_rows"], 4);
  EXPECT_EQ(reads, 2);

  takes = &bad;
  tables[1] =
      Table("takes", {column("course_id", bad, true, false), column("sec_id", bad, false, false)});
  EXPECT_EQ(composite(InferJoins(tables, options)), nullptr);
  // Without a reader the columns are checked one by one, and the evidence says so.
  std::vector<Join> per_column = InferJoins(tables);
  const Join* unchecked = composite(per_column);
  ASSERT_NE(unchecked, nullptr);
  EXPECT_EQ(unchecked->evidence["containment_note"], "per column; tuples not checked");
  // A reader that fails leaves the columns checked one by one, and the evidence says why.
  InferenceOptions failing;
  failing.tuples = [](const JoinSide& side, bool) -> Result<TupleSketch> {
    return Status(StatusCode::kPermissionDenied, "no grant on " + side.table);
  };
  std::vector<Join> unread_joins = InferJoins(tables, failing);
  const Join* unread = composite(unread_joins);
  ASSERT_NE(unread, nullptr);
  EXPECT_EQ(unread->evidence["containment_note"],
            "per column; tuples not read: PermissionDenied: no grant on takes");
}

TEST(InferJoinsTest, DatesReferenceOnlyADateDimension) {
  std::vector<std::string> days, stored;
  for (int d = 1; d <= 28; ++d)
    days.push_back("2024-02-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
  for (int i = 0; i < 20; ++i) stored.push_back(days[(i * 5) % 28]);
  std::vector<TableProfile> tables = {
      Table("referenzkalender", {TextColumn("kalenderdatum", days, true)}),
      Table("dokumente", {IntColumn("dokument_id", Range(1, 21), true),
                          TextColumn("datum_gespeichert", stored, false)}),
  };
  ASSERT_EQ(tables[0].columns[0].semantic_type, SemanticType::kDate);
  std::vector<Join> joins = InferJoins(tables);
  const Join* day = Find(joins, "dokumente", "datum_gespeichert");
  ASSERT_NE(day, nullptr);
  EXPECT_EQ(day->to, (JoinSide{"s", "referenzkalender", {"kalenderdatum"}}));
  EXPECT_EQ(day->evidence["values_alone"], true);
  // Unique dates without a declared key are an event log's timestamps, not a calendar.
  tables[0].keys.clear();
  tables[0].columns[0].primary_key = false;
  EXPECT_EQ(Find(InferJoins(tables), "dokumente", "datum_gespeichert"), nullptr);
}

TEST(InferJoinsTest, ColumnsThatMatchTwoTablesKeysMatchAGrainNotAnEntity) {
  // enrollments and degrees are both keyed by (campus, year): facts at one grain. faculty has
  // campus and year too; it is one more such fact, not a reference to either.
  std::vector<int64_t> campus, year;
  for (int i = 0; i < 60; ++i) {
    campus.push_back(1 + i % 20);
    year.push_back(2000 + i / 20);
  }
  std::vector<TableProfile> tables = {
      Table("enrollments", {IntColumn("campus", campus, true), IntColumn("year", year, true)}),
      Table("degrees", {IntColumn("campus", campus, true), IntColumn("year", year, true)}),
      Table("faculty", {IntColumn("campus", campus, false), IntColumn("year", year, false)}),
  };
  for (const auto& j : InferJoins(tables)) {
    EXPECT_LT(j.from.columns.size(), 2u) << j.ToJson().dump();
  }
  // With one table keyed so, faculty references it.
  tables.erase(tables.begin() + 1);
  bool composite = false;
  for (const auto& j : InferJoins(tables)) {
    composite = composite || (j.from.table == "faculty" && j.from.columns.size() == 2);
  }
  EXPECT_TRUE(composite);
}

}  // namespace
}  // namespace cairn::context

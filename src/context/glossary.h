#pragma once

// Descriptions and glossary terms: the words people state about the data.
//
// A description is free text attached to a table (column empty) or to one column of a table. A
// glossary term is a business word ("churned customer") with a definition and the tables or
// columns it refers to ("see": "crm.customers", "crm.customers.status"). Both carry provenance
// kStated with the principal who stated them and when (ISO-8601 UTC); restating replaces the
// text and the provenance.
//
// Tables (StateDb components "descriptions" and "glossary"):
//   descriptions    (source, table_name, column_name) -> text, stated_by, stated_at
//   glossary_terms  term (unique, case-insensitive) -> definition, see (JSON), synonyms (JSON),
//                   stated_by, ...
//                   Case folds A-Z only, on both engines (SQLite COLLATE NOCASE; PostgreSQL a
//                   unique index on lower(term COLLATE "C")); terms list in that order.
//   glossary_changes  one row: how many times terms were stated or removed (TermChanges)
//
// Errors: the StateDb's (kUnavailable when busy, kDataLoss when corrupt, kInternal otherwise);
// kInvalidArgument for an empty name, term or definition, or a malformed "see" reference;
// kNotFound when removing a term that does not exist.
//
// Thread-safety: as the StateDb it uses. The StateDb must outlive the Glossary.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "context/model.h"
#include "core/status.h"
#include "store/state_db.h"

namespace cairn::context {

struct Description {
  std::string source;
  std::string table;
  std::string column;  // empty for the table's own description
  std::string text;
  Provenance provenance = Provenance::kStated;
  std::string stated_by;
  std::string stated_at;  // ISO-8601 UTC
};

struct GlossaryTerm {
  std::string term;
  std::string definition;
  std::vector<std::string> see;  // "source.table" or "source.table.column", sorted
  // Other words people use for the term ("box" and "unit" for a container), sorted
  // case-insensitively; never the term itself. Search indexes them with the term; recipe
  // recall bridges a question's word no recipe uses to the term (RecipeStore::Recall).
  std::vector<std::string> synonyms;
  Provenance provenance = Provenance::kStated;
  std::string stated_by;
  std::string stated_at;  // ISO-8601 UTC
};

// The words of a text as glossary matching compares them: runs of ASCII letters and digits
// (non-ASCII bytes count as letters), ASCII lower-cased, English plurals made singular
// ("boxes" -> "box", "vessels" -> "vessel", "entries" -> "entry"; "status" stays).
std::vector<std::string> TermWords(std::string_view text);

// A glossary term a text names, and the name it uses: the term itself or one of its synonyms.
struct TermMention {
  const GlossaryTerm* term;  // into the `terms` given
  std::string name;          // as the glossary spells it
};

// Finds the glossary terms a text names. Built once from the terms (each name split into its
// words and indexed by its first word), it answers for any number of texts: recall keeps one
// while the glossary does not change (Glossary::TermChanges).
class TermMatcher {
 public:
  explicit TermMatcher(std::vector<GlossaryTerm> terms);
  ~TermMatcher();
  TermMatcher(TermMatcher&&) noexcept;
  TermMatcher& operator=(TermMatcher&&) noexcept;

  const std::vector<GlossaryTerm>& terms() const { return terms_; }

  // The terms `text` names, in the order of terms() (each name a term or one of its synonyms;
  // named when all of its TermWords occur in a row in the text's), each name once. A word a
  // name writes in capitals is an abbreviation, named only in capitals ("DO", a delivery
  // order, never "do"). "How many boxes are on the terminal?" names the term "container" when
  // it lists "box". Mentions point into terms().
  std::vector<TermMention> Mentioned(std::string_view text) const;

 private:
  struct Index;
  std::vector<GlossaryTerm> terms_;
  std::unique_ptr<Index> index_;
};

// A parsed "see" reference: "source.table" or "source.table.column". Table names may not hold
// dots here; InvalidArgument otherwise.
struct ObjectRef {
  std::string source;
  std::string table;
  std::string column;  // may be empty
};
Result<ObjectRef> ParseObjectRef(const std::string& text);

class Glossary {
 public:
  // Applies the "descriptions" and "glossary" migrations. Errors from the StateDb.
  static Result<Glossary> Open(store::StateDb* db);

  // States (or restates) the description of source.table (column empty) or of one column.
  // An empty `text` removes the description (OK when there was none).
  Status SetDescription(const std::string& source, const std::string& table,
                        const std::string& column, const std::string& text,
                        const std::string& principal);

  // The description of one table or column; NotFound when none is stated.
  Result<Description> GetDescription(const std::string& source, const std::string& table,
                                     const std::string& column);

  // Every description (of one table when `source` and `table` are given), sorted by source,
  // table, column (the table's own first).
  Result<std::vector<Description>> ListDescriptions(const std::string& source = "",
                                                    const std::string& table = "");

  // States (or restates) a term. `see` references are validated by ParseObjectRef and stored
  // sorted without duplicates. Synonyms are trimmed; one with no word in it (TermWords) is
  // InvalidArgument; the term itself and repeats (ignoring ASCII case) are dropped.
  Result<GlossaryTerm> AddTerm(const std::string& term, const std::string& definition,
                               std::vector<std::string> see, const std::string& principal,
                               const std::vector<std::string>& synonyms = {});

  // Every term, sorted case-insensitively.
  Result<std::vector<GlossaryTerm>> ListTerms();

  // Removes a term (matched case-insensitively). NotFound when there is none.
  Status RemoveTerm(const std::string& term);

  // How many times terms were stated or removed (on this state database, by any connection or
  // node): a cache of ListTerms() is current while this is unchanged.
  Result<int64_t> TermChanges();

 private:
  explicit Glossary(store::StateDb* db) : db_(db) {}
  store::StateDb* db_;
};

}  // namespace cairn::context

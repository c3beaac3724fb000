#include "ledger/canonical.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <charconv>

namespace cairn::ledger {
namespace internal {
namespace {

// Writes the \uXXXX escape of `code_unit` at `out`; returns the end.
char* WriteEscape(uint32_t code_unit, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out[0] = '\\';
  out[1] = 'u';
  out[2] = kDigits[(code_unit >> 12) & 0xf];
  out[3] = kDigits[(code_unit >> 8) & 0xf];
  out[4] = kDigits[(code_unit >> 4) & 0xf];
  out[5] = kDigits[code_unit & 0xf];
  return out + 6;
}

// Bytes copied unchanged into a canonical JSON string: printable ASCII except '"' and '\'.
constexpr bool IsPlain(uint8_t b) { return b >= 0x20 && b < 0x7f && b != '"' && b != '\\'; }

// True if all 8 bytes of `w` are plain (bit tricks on a word: a byte below 0x20, at or above
// 0x7f, or equal to '"' or '\' sets its high bit in one of the terms).
constexpr bool IsPlainWord(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_less = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHigh; };
  const uint64_t control = has_less(w, 0x20);
  const uint64_t high = ((w + kOnes * (0x7f - 0x7e)) | w) & kHigh;  // a byte >= 0x7f
  const uint64_t quote = has_less(w ^ (kOnes * '"'), 1);
  const uint64_t backslash = has_less(w ^ (kOnes * '\\'), 1);
  return (control | high | quote | backslash) == 0;
}

// The most bytes WriteJsonString() writes for `n` input bytes: quotes, and six per byte (a
// control character becomes \u00XX; a 4-byte sequence becomes a 12-byte surrogate pair).
constexpr size_t MaxJsonStringSize(size_t n) { return 2 + 6 * n; }

// Writes `in` at `out` as a JSON string in the version-1 canonical form (ASCII only, \uXXXX
// escapes), which needs MaxJsonStringSize(in.size()) bytes of room; returns the end, or nullptr
// if `in` is not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF are
// invalid).
char* WriteJsonString(std::string_view in, char* out) {
  *out++ = '"';
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
    // Plain bytes are copied 16 or 8 at a time where possible.
#ifdef __SSE2__
    for (; end - p >= 16; p += 16, out += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Signed bytes: below 0x20 or from 0x80 up are both less than 0x20.
      const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
      if (_mm_movemask_epi8(special) != 0) break;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
    }
#endif
    for (uint64_t word; end - p >= 8; p += 8, out += 8) {
      std::memcpy(&word, p, 8);
      if (!IsPlainWord(word)) break;
      std::memcpy(out, &word, 8);
    }
    while (p < end && IsPlain(static_cast<uint8_t>(*p))) *out++ = *p++;
    if (p == end) break;
    const auto b = static_cast<uint8_t>(*p);
    if (b < 0x80) {
      char short_form = 0;
      switch (b) {
        case '"':
          short_form = '"';
          break;
        case '\\':
          short_form = '\\';
          break;
        case '\b':
          short_form = 'b';
          break;
        case '\f':
          short_form = 'f';
          break;
        case '\n':
          short_form = 'n';
          break;
        case '\r':
          short_form = 'r';
          break;
        case '\t':
          short_form = 't';
          break;
        default:  // other control characters and DEL
          break;
      }
      if (short_form != 0) {
        *out++ = '\\';
        *out++ = short_form;
      } else {
        out = WriteEscape(b, out);
      }
      ++p;
      continue;
    }
    int length = 0;
    uint32_t code_point = 0;
    uint8_t low = 0x80;
    uint8_t high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      code_point = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      code_point = b & 0x0f;
      if (b == 0xe0) low = 0xa0;
      if (b == 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      code_point = b & 0x07;
      if (b == 0xf0) low = 0x90;
      if (b == 0xf4) high = 0x8f;
    } else {
      return nullptr;
    }
    if (end - p < length) return nullptr;
    for (int k = 1; k < length; ++k) {
      const auto c = static_cast<uint8_t>(p[k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) return nullptr;
      code_point = code_point << 6 | (c & 0x3f);
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      out = WriteEscape(0xd800 + (code_point >> 10), out);
      out = WriteEscape(0xdc00 + (code_point & 0x3ff), out);
    } else {
      out = WriteEscape(code_point, out);
    }
    p += length;
  }
  *out++ = '"';
  return out;
}

}  // namespace

const char* AppendCanonical(int64_t seq, const EntryView& e, ByteBuffer* out) {
  struct Field {
    std::string_view key;  // the JSON up to the value
    std::string_view value;
  };
  const Field fields[] = {{"{\"action\":", e.action},
                          {",\"decision\":", e.decision},
                          {",\"ingress\":", e.ingress},
                          {",\"input_digest\":", e.input_digest},
                          {",\"label\":", e.label},
                          {",\"principal\":", e.principal},
                          {",\"result_digest\":", e.result_digest},
                          {",\"seq\":", {}},
                          {",\"subject\":", e.subject},
                          {",\"time\":", e.time}};
  constexpr std::string_view kEnd = ",\"v\":1}";
  constexpr size_t kSeq = 7;  // index of "seq" in `fields`
  size_t room = kEnd.size() + 24;
  for (const Field& f : fields) room += f.key.size() + MaxJsonStringSize(f.value.size());
  char* p = out->Room(room);
  for (size_t i = 0; i < std::size(fields); ++i) {
    const Field& f = fields[i];
    std::memcpy(p, f.key.data(), f.key.size());
    p += f.key.size();
    if (i == kSeq) {
      p = std::to_chars(p, p + 24, seq).ptr;
      continue;
    }
    p = WriteJsonString(f.value, p);
    if (p == nullptr) return f.key.data() + f.key.find('"') + 1;
  }
  std::memcpy(p, kEnd.data(), kEnd.size());
  out->SetEnd(p + kEnd.size());
  return nullptr;
}

const char* CanonicalLeafHash(int64_t seq, const EntryView& e, ByteBuffer* buffer, Hash* out) {
  buffer->clear();
  buffer->push_back('\0');
  if (const char* bad = AppendCanonical(seq, e, buffer)) return bad;
  *out = Sha256(buffer->view());
  return nullptr;
}

std::string_view FieldName(const char* key) {
  return std::string_view(key, std::string_view(key).find('"'));
}

bool ParseHash(std::string_view hex, Hash* out) {
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < out->size(); ++i) {
    int value = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[2 * i + k];
      int nibble;
      if (c >= '0' && c <= '9') {
        nibble = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        nibble = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        nibble = c - 'A' + 10;
      } else {
        return false;
      }
      value = value << 4 | nibble;
    }
    (*out)[i] = static_cast<uint8_t>(value);
  }
  return true;
}

void HexInto(const Hash& hash, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
}

}  // namespace internal

using internal::AppendCanonical;
using internal::ByteBuffer;
using internal::FieldName;
using internal::ViewOf;

Result<nlohmann::json> CanonicalEntryJson(int64_t seq, const Entry& e) {
  nlohmann::json j = nlohmann::json::object();
  j["v"] = 1;
  j["seq"] = seq;
  j["time"] = e.time;
  j["principal"] = e.principal;
  j["action"] = e.action;
  j["subject"] = e.subject;
  j["input_digest"] = e.input_digest;
  j["result_digest"] = e.result_digest;
  j["label"] = e.label;
  j["decision"] = e.decision;
  j["ingress"] = e.ingress;
  return j;
}

Result<std::string> CanonicalEntry(int64_t seq, const Entry& e) {
  // Hand-written for speed; equal to the dump() of CanonicalEntryJson() (checked by a
  // differential test).
  ByteBuffer out;
  if (const char* bad = AppendCanonical(seq, ViewOf(e), &out)) {
    return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, FieldName(bad));
  }
  return std::string(out.view());
}

}  // namespace cairn::ledger

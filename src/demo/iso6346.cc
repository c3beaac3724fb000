#include "demo/iso6346.h"

namespace cairn::demo {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A=10, then counting upwards while skipping 11, 22 and 33.
int LetterValue(char c) {
  int value = 10 + (c - 'A');
  if (value >= 11) ++value;
  if (value >= 22) ++value;
  if (value >= 33) ++value;
  return value;
}

}  // namespace

char Iso6346CheckDigit(std::string_view first10) {
  if (first10.size() != 10) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    const char c = first10[i];
    int value = 0;
    if (i < 4) {
      if (!IsUpper(c)) return '\0';
      value = LetterValue(c);
    } else {
      if (!IsDigit(c)) return '\0';
      value = c - '0';
    }
    sum += value << i;
  }
  return static_cast<char>('0' + (sum % 11) % 10);
}

bool IsValidIso6346(std::string_view text) {
  if (text.size() != 11) return false;
  const char category = text[3];
  if (category != 'U' && category != 'J' && category != 'Z') return false;
  if (!IsDigit(text[10])) return false;
  const char check = Iso6346CheckDigit(text.substr(0, 10));
  return check != '\0' && check == text[10];
}

char ImoCheckDigit(std::string_view first6) {
  if (first6.size() != 6) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (!IsDigit(first6[i])) return '\0';
    sum += (first6[i] - '0') * static_cast<int>(7 - i);
  }
  return static_cast<char>('0' + sum % 10);
}

bool IsValidImoNumber(std::string_view text) {
  if (text.size() != 7 || !IsDigit(text[6])) return false;
  const char check = ImoCheckDigit(text.substr(0, 6));
  return check != '\0' && check == text[6];
}

}  // namespace cairn::demo

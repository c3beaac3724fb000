#pragma once

// Identifier check digits used in port and shipping data.
//
// ISO 6346 container numbers: a 3-letter owner code, a 1-letter equipment category (U freight
// container, J detachable freight container equipment, Z trailer or chassis), a 6-digit serial
// number and a check digit, e.g. "CSQU3054383". The check digit is computed by giving each
// letter a value from 10 upwards that skips multiples of 11 (A=10, B=12, ..., K=21, L=23, ...,
// U=32, V=34, ..., Z=38), each digit its own value, weighting position i (0-based) by 2^i,
// and taking the sum mod 11 mod 10.
//
// IMO ship identification numbers: seven digits, the last being the check digit: the sum of the
// first six digits weighted 7, 6, 5, 4, 3, 2 taken mod 10, e.g. 9074729.
//
// All functions are pure and thread-safe.

#include <string_view>

namespace cairn::demo {

// The ISO 6346 check digit ('0'..'9') for the first ten characters of a container number
// (4 uppercase ASCII letters followed by 6 ASCII digits). Returns '\0' if `first10` does not
// have that shape; the category letter is not checked here.
char Iso6346CheckDigit(std::string_view first10);

// True if `text` is exactly an 11-character ISO 6346 container number in canonical form:
// uppercase owner code, category U, J or Z, six digits and the matching check digit. No
// spaces or lowercase letters are accepted.
bool IsValidIso6346(std::string_view text);

// The IMO check digit ('0'..'9') for the first six digits of an IMO number; '\0' if `first6`
// is not exactly six ASCII digits.
char ImoCheckDigit(std::string_view first6);

// True if `text` is exactly seven ASCII digits with a matching IMO check digit (no "IMO"
// prefix).
bool IsValidImoNumber(std::string_view text);

}  // namespace cairn::demo

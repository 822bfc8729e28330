// The block scanner against a byte-at-a-time reference, on text built to stress what carries from
// one block to the next: strings, runs of backslashes, brackets inside strings.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "load/json_block_scanner.hpp"

using namespace upcheck::load;

namespace {

struct Reference {
  std::vector<bool> bracket, newline, continuation;
};

Reference reference_scan(const std::string& text) {
  Reference r;
  bool in_string = false;
  bool escaped = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    r.newline.push_back(c == '\n');
    r.continuation.push_back((c & 0xC0) == 0x80);
    const bool is_bracket = c == '{' || c == '}' || c == '[' || c == ']';
    r.bracket.push_back(is_bracket && !in_string);
    if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = !in_string;
    }
  }
  return r;
}

void check_against_reference(const std::string& text, JsonBlockScanner::Isa isa) {
  const Reference expected = reference_scan(text);
  JsonBlockScanner scanner(isa);
  std::string padded = text;
  padded.resize((text.size() + 63) / 64 * 64, ' ');
  for (size_t block = 0; block < padded.size(); block += 64) {
    const JsonBlockMasks m = scanner.scan(padded.data() + block);
    for (size_t i = 0; i < 64 && block + i < text.size(); ++i) {
      const size_t at = block + i;
      INFO("byte " << at << " of " << text.size());
      CHECK(((m.brackets >> i) & 1) == expected.bracket[at]);
      CHECK(((m.newlines >> i) & 1) == expected.newline[at]);
      CHECK(((m.continuations >> i) & 1) == expected.continuation[at]);
    }
  }
}

}  // namespace

TEST_CASE("the block scanner finds brackets outside strings only") {
  const std::string text = R"({"a": "[not {a bracket}]", "b\"[": ["x\\", {"c": "\\\"]"}], "é": "\\\\"} [ ] "{")"
                           "\n{\"long\": \"" +
                           std::string(100, '\\') + "\", \"k\": [1]}\n";
  check_against_reference(text, JsonBlockScanner::Isa::Best);
  check_against_reference(text, JsonBlockScanner::Isa::Baseline);
}

TEST_CASE("the block scanner agrees with the reference on random text, both instruction sets") {
  std::mt19937 random(20240611);
  const std::string alphabet = "\"\\\\\\{}[]ab \n\xC3\xA9";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const size_t size = 1 + random() % 400;
    for (size_t i = 0; i < size; ++i) text += alphabet[random() % alphabet.size()];
    check_against_reference(text, JsonBlockScanner::Isa::Best);
    check_against_reference(text, JsonBlockScanner::Isa::Baseline);
  }
}

// Passes what the JSON walker finds on to the object assembler, with source positions.
//
// The walker is compiled once per simdjson kernel and sees raw pointers into a chunk; this part,
// compiled once, turns pointers into lines and columns, checks the tokens simdjson leaves
// unchecked (it never validates a number or literal it is not asked to convert), and reports
// syntax errors. Everything here is the same whichever kernel runs.
#pragma once

#include <string_view>

#include "load/chunk.hpp"
#include "load/object_assembler.hpp"
#include "load/text_position.hpp"

namespace upcheck::load {

class JsonEventSink {
 public:
  // `base` holds the chunk's bytes (the chunk's own, or a padded copy).
  JsonEventSink(const Chunk& chunk, const char* base, ObjectAssembler& assembler, ParseOutput& out);

  // Each returns false when the document cannot go on: a limit stopped it (the assembler
  // reported it) or the token is not JSON (reported here).
  bool begin_map(const char* at) { return assembler_.begin_map(mark(at)); }
  bool begin_seq(const char* at) { return assembler_.begin_seq(mark(at)); }
  bool end_container() { return assembler_.end_container(); }
  bool key(std::string_view text, const char* quote) {
    return assembler_.scalar(text, ScalarStyle::Quoted, mark(quote));
  }
  bool string(std::string_view text, const char* quote) {
    return assembler_.scalar(text, ScalarStyle::Quoted, mark(quote));
  }
  // A number, true, false or null as written (trailing whitespace allowed).
  bool literal(std::string_view raw, const char* at);
  // The same check for a literal the assembler drops: reports it when invalid, sends nothing.
  bool check_literal(std::string_view raw, const char* at);

  // What the assembler drops need not be sent (see ObjectAssembler::drops_next_value).
  bool drops_next_value() const { return assembler_.drops_next_value(); }
  void value_skipped() { assembler_.value_skipped(); }
  bool inside_dropped_subtree() const { return assembler_.inside_dropped_subtree(); }

  // Refuses, before either simdjson kernel runs, what the two read differently, so that both
  // report it alike: reports the first such byte of [begin, end) and returns false.
  // - Outside a string, a form feed or U+001A: haswell's first stage tells structural bytes by
  //   (byte | 0x20), so they read as ',' and ':' there, and as part of a scalar in the fallback's.
  // - A backslash before a non-ASCII byte: the fallback's first stage skips one byte after a
  //   backslash and then finds the rest of the character invalid UTF-8; haswell's finds the text
  //   valid and the escape bad.
  bool reads_alike_in_both_kernels(const char* begin, const char* end);

  void syntax_error(const char* at, std::string_view reason);
  // simdjson's first stage reports no position: find one for what it found wrong in [begin, end).
  void invalid_text(const char* begin, const char* end, std::string_view reason, bool bad_utf8);
  Mark mark(const char* at) { return positions_.at(static_cast<size_t>(at - base_)); }

 private:
  uint32_t file_;
  const char* base_;
  ObjectAssembler& assembler_;
  PositionTracker positions_;
  ParseOutput& out_;
};

}  // namespace upcheck::load

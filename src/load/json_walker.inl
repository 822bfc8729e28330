// The JSON walker, written once and compiled once per simdjson kernel (json_walker_haswell.cpp,
// json_walker_fallback.cpp). The including file defines the namespace alias `ondemand` and wraps
// this in its kernel's target region, and says whether the kernel's first stage checks strings
// and UTF-8 (kFirstStageChecksText); so nothing here may include a header or instantiate a
// template that other files share: everything beyond simdjson goes through the JsonEventSink.

namespace {

// Parsers keep their buffers between documents: one per thread, rebuilt when the first stage's
// implementation changes (a test forcing a kernel) or after a document too large to keep for.
ondemand::parser& thread_parser() {
  constexpr size_t kLargestKeptCapacity = 16u << 20;
  struct Slot {
    std::unique_ptr<ondemand::parser> parser;
    const simdjson::implementation* first_stage = nullptr;
  };
  thread_local Slot slot;
  const simdjson::implementation* active = simdjson::get_active_implementation();
  if (!slot.parser || slot.first_stage != active || slot.parser->capacity() > kLargestKeptCapacity) {
    slot.parser = std::make_unique<ondemand::parser>();
    slot.first_stage = active;
  }
  return *slot.parser;
}

// Feeds one value's events to the sink. What the assembler drops is only checked: no events, no
// positions, nothing built; simdjson walks it in a few per cent of the time the rest takes.
class ValueWalker {
 public:
  explicit ValueWalker(JsonEventSink& sink) : sink_(sink) {}

  bool value(ondemand::value value) {
    const char* at = value.raw_json_token().data();
    ondemand::json_type type;
    if (auto error = value.type().get(type)) return fail(error, at);
    switch (type) {
      case ondemand::json_type::object: {
        if (!sink_.begin_map(at)) return false;
        if (sink_.inside_dropped_subtree()) return check(value) && sink_.end_container();
        ondemand::object object;
        if (auto error = value.get_object().get(object)) return fail(error, at);
        return fields(object) && sink_.end_container();
      }
      case ondemand::json_type::array: {
        if (!sink_.begin_seq(at)) return false;
        if (sink_.inside_dropped_subtree()) return check(value) && sink_.end_container();
        ondemand::array array;
        if (auto error = value.get_array().get(array)) return fail(error, at);
        return elements(array) && sink_.end_container();
      }
      case ondemand::json_type::string: {
        std::string_view text;
        if (auto error = value.get_string().get(text)) return fail(error, at);
        return sink_.string(text, at);
      }
      default:  // number, boolean, null: kept as written
        return sink_.literal(value.raw_json_token(), at);
    }
  }

  bool fields(ondemand::object& object) {
    for (auto next : object) {
      ondemand::field field;
      if (auto error = std::move(next).get(field)) return fail(error, nullptr);
      const char* quote = reinterpret_cast<const char*>(field.key().raw()) - 1;
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return fail(error, quote);
      if (!sink_.key(key, quote)) return false;
      if (sink_.drops_next_value()) {
        sink_.value_skipped();
        if (!check(field.value())) return false;
        continue;
      }
      if (!value(field.value())) return false;
    }
    return true;
  }

  // Reads a value only to find syntax errors in it, as a kept one would show them.
  bool check(ondemand::value value) {
    const char* at = value.raw_json_token().data();
    ondemand::json_type type;
    if (auto error = value.type().get(type)) return fail(error, at);
    switch (type) {
      case ondemand::json_type::object: {
        ondemand::object object;
        if (auto error = value.get_object().get(object)) return fail(error, at);
        for (auto next : object) {
          ondemand::field field;
          if (auto error = std::move(next).get(field)) return fail(error, nullptr);
          std::string_view key;
          if (auto error = field.unescaped_key().get(key)) return fail(error, nullptr);
          if (!check(field.value())) return false;
        }
        return true;
      }
      case ondemand::json_type::array: {
        ondemand::array array;
        if (auto error = value.get_array().get(array)) return fail(error, at);
        for (auto next : array) {
          ondemand::value element;
          if (auto error = std::move(next).get(element)) return fail(error, nullptr);
          if (!check(element)) return false;
        }
        return true;
      }
      case ondemand::json_type::string: {
        std::string_view text;
        if (auto error = value.get_string().get(text)) return fail(error, at);
        return true;
      }
      default:
        return sink_.check_literal(value.raw_json_token(), at);
    }
  }

  bool elements(ondemand::array& array) {
    for (auto next : array) {
      ondemand::value element;
      if (auto error = std::move(next).get(element)) return fail(error, nullptr);
      if (!value(element)) return false;
    }
    return true;
  }

  bool fail(simdjson::error_code error, const char* at) {
    error_ = error;
    error_at_ = at;
    return false;
  }
  simdjson::error_code error() const { return error_; }
  const char* error_at() const { return error_at_; }

 private:
  JsonEventSink& sink_;
  simdjson::error_code error_ = simdjson::SUCCESS;
  const char* error_at_ = nullptr;
};

bool first_stage_failed(JsonEventSink& sink, simdjson::error_code error, const char* begin, const char* end) {
  sink.invalid_text(begin, end, simdjson::error_message(error), error == simdjson::UTF8_ERROR);
  return false;
}

// What haswell's first stage rejects and the fallback's lets through, in haswell's order: a
// string left open, control characters inside a string, bytes that are not UTF-8. The including
// file says whether its kernel checks them already (kFirstStageChecksText); when not, they are
// checked here, before the first stage, so that both kernels read any input alike.
bool text_checked(JsonEventSink& sink, const char* begin, const char* end) {
  if (kFirstStageChecksText) return true;
  bool in_string = false;
  bool control_in_string = false;
  bool escaped = false;
  for (const char* p = begin; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (escaped) {  // escaped, it closes or opens no string; it is still a control character
      escaped = false;
    } else if (c == '\\') {  // outside strings too, as haswell's first stage reads backslashes
      escaped = true;
      continue;
    } else if (c == '"') {
      in_string = !in_string;
      continue;
    }
    if (in_string && c < 0x20) control_in_string = true;
  }
  simdjson::error_code error = simdjson::SUCCESS;
  if (in_string)
    error = simdjson::UNCLOSED_STRING;
  else if (control_in_string)
    error = simdjson::UNESCAPED_CHARS;
  else if (!simdjson::validate_utf8(begin, static_cast<size_t>(end - begin)))
    error = simdjson::UTF8_ERROR;
  return error == simdjson::SUCCESS || first_stage_failed(sink, error, begin, end);
}

bool walk_container(JsonEventSink& sink, const char* begin, const char* end, const char* readable_end) {
  ondemand::parser& parser = thread_parser();
  ondemand::document document;
  const simdjson::padded_string_view json(begin, static_cast<size_t>(end - begin),
                                          static_cast<size_t>(readable_end - begin));
  if (!sink.reads_alike_in_both_kernels(begin, end) || !text_checked(sink, begin, end)) return false;
  if (auto error = parser.iterate(json).get(document)) return first_stage_failed(sink, error, begin, end);

  ValueWalker walker(sink);
  bool ok = false;
  if (!(*begin == '{' ? sink.begin_map(begin) : sink.begin_seq(begin))) return false;
  if (sink.inside_dropped_subtree()) {  // a List item that is not an object
    ondemand::value root;
    if (auto error = document.get_value().get(root))
      ok = walker.fail(error, begin);
    else
      ok = walker.check(root) && sink.end_container();
  } else if (*begin == '{') {
    ondemand::object object;
    if (auto error = document.get_object().get(object))
      ok = walker.fail(error, begin);
    else
      ok = walker.fields(object) && sink.end_container();
  } else {
    ondemand::array array;
    if (auto error = document.get_array().get(array))
      ok = walker.fail(error, begin);
    else
      ok = walker.elements(array) && sink.end_container();
  }
  if (!ok) {
    if (walker.error() == simdjson::SUCCESS) return false;  // the sink reported it
    const char* where = walker.error_at();
    if (where == nullptr) {
      auto location = document.current_location();
      where = location.error() ? begin : location.value_unsafe();
    }
    sink.syntax_error(where, simdjson::error_message(walker.error()));
    return false;
  }
  auto rest = document.current_location();
  if (!rest.error()) {
    sink.syntax_error(rest.value_unsafe(), "unexpected text after the end of the value");
    return false;
  }
  return true;
}

bool read_string(JsonEventSink& sink, const char* begin, const char* end, const char* readable_end,
                 std::string_view& text) {
  ondemand::parser& parser = thread_parser();
  ondemand::document document;
  const simdjson::padded_string_view json(begin, static_cast<size_t>(end - begin),
                                          static_cast<size_t>(readable_end - begin));
  if (!sink.reads_alike_in_both_kernels(begin, end) || !text_checked(sink, begin, end)) return false;
  if (auto error = parser.iterate(json).get(document)) return first_stage_failed(sink, error, begin, end);
  if (auto error = document.get_string().get(text)) {
    sink.syntax_error(begin, simdjson::error_message(error));
    return false;
  }
  return true;
}

}  // namespace

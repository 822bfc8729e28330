#include "load/yaml_text.hpp"

#include <yaml.h>

#include "load/libyaml_style.hpp"
#include "load/yaml_scalars.hpp"

namespace upcheck::load {
namespace {

// Owns a libyaml parser for one scope.
class Parser {
 public:
  explicit Parser(std::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  bool next(yaml_event_t& ev) { return yaml_parser_parse(&parser_, &ev) != 0; }

 private:
  yaml_parser_t parser_;
};

}  // namespace

std::optional<Tree> parse_yaml_text(std::string_view text) {
  Parser parser(text);
  TreeBuilder builder;
  for (;;) {
    yaml_event_t ev;
    if (!parser.next(ev)) return std::nullopt;
    const Mark at{static_cast<uint32_t>(ev.start_mark.line) + 1, static_cast<uint32_t>(ev.start_mark.column) + 1};
    bool done = false;
    switch (ev.type) {
      case YAML_DOCUMENT_END_EVENT:
        // Istio reads one document: the first one ends the parse.
        done = true;
        break;
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      case YAML_MAPPING_START_EVENT:
        builder.begin_map(at);
        break;
      case YAML_SEQUENCE_START_EVENT:
        builder.begin_seq(at);
        break;
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        builder.end();
        break;
      case YAML_SCALAR_EVENT: {
        std::string_view value(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
        const ScalarStyle style = libyaml_scalar_style(ev);
        if (is_null_scalar(value, style))
          builder.null(at);
        else
          builder.scalar(value, style, at);
        break;
      }
      case YAML_ALIAS_EVENT:
        // Mesh configs use no anchors; an alias reads as null rather than failing the whole text.
        builder.null(at);
        break;
      default:
        break;
    }
    yaml_event_delete(&ev);
    if (done) break;
  }
  return builder.finish();
}

}  // namespace upcheck::load

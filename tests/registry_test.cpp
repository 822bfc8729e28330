// Meta-tests over the rule registry: what clang-tidy, Ruff, kube-linter and Istio's analyzers
// enforce, so that adding a rule cannot forget its docs, its tests or its examples.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "model/diagnostic_codes.hpp"
#include "report/rule_docs.hpp"
#include "rules/all_rules.hpp"
#include "support/rule_cases.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using namespace upcheck;

namespace {

fs::path testdata() { return testing::env_dir("UPCHECK_TESTDATA"); }
fs::path source_root() { return testing::env_dir("UPCHECK_SOURCE_ROOT"); }

std::string snake_case(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// Each category's folder under rules/ and the code prefix of its rules (`--select AVL`).
// scripts/new-rule.sh reads this table to number a new rule.
struct Category {
  std::string_view prefix;
  std::string_view folder;
};
constexpr Category kCategories[] = {
    {"API", "api"},   {"AVL", "availability"}, {"HELM", "helm"},
    {"MESH", "mesh"}, {"REV", "revisions"},    {"UPG", "upgrade"},
};
// Folders of rules/ that are no category: what rules of every category share.
constexpr std::string_view kSharedFolders[] = {"common"};

const Category* category_of_prefix(std::string_view prefix) {
  for (const Category& c : kCategories)
    if (c.prefix == prefix) return &c;
  return nullptr;
}

const Category* category_of_folder(std::string_view folder) {
  for (const Category& c : kCategories)
    if (c.folder == folder) return &c;
  return nullptr;
}

// "availability/single_replica_control_plane": where a rule must live, without ".cpp".
std::string rule_file(const RuleInfo& rule) {
  const Category* category = category_of_prefix(rule.category());
  return std::string(category != nullptr ? category->folder : "<no folder for " + std::string(rule.category()) + ">") +
         "/" + snake_case(rule.name);
}

}  // namespace

TEST_CASE("codes and names are unique, well formed and sorted") {
  static const std::regex kCode("^[A-Z]{3,4}[0-9]{3}$");
  static const std::regex kName("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  std::set<std::string_view> codes, names;
  std::string_view previous;
  for (const Rule* r : all_rules()) {
    INFO(r->info.name);
    CHECK(std::regex_match(std::string(r->info.code), kCode));
    CHECK(std::regex_match(std::string(r->info.name), kName));
    CHECK(codes.insert(r->info.code).second);
    CHECK(names.insert(r->info.name).second);
    CHECK(previous < r->info.code);
    previous = r->info.code;
    CHECK(static_cast<bool>(r->check));
  }
}

TEST_CASE("metadata is complete") {
  for (const Rule* r : all_rules()) {
    INFO(r->info.name);
    CHECK(!r->info.title.empty());
    CHECK(r->info.title.size() <= 80);
    CHECK(r->info.title.back() != '.');
    CHECK(r->info.rationale.size() > 40);
    CHECK(!r->info.remediation.empty());
    CHECK(!r->info.example_bad.empty());
    CHECK(!r->info.example_good.empty());
    CHECK(!r->info.kinds.empty());
    for (const RuleOption& o : r->info.options) {
      INFO(o.name);
      CHECK(o.accepts(o.default_value));  // the value a user gets without .upcheck.yaml
    }
  }
}

TEST_CASE("each rule lives in the folder of its code prefix, in a file named after it") {
  for (const Rule* r : all_rules()) {
    INFO(r->info.name);
    CHECK_MESSAGE(category_of_prefix(r->info.category()) != nullptr,
                  "code prefix " << r->info.category() << " has no folder: add it to kCategories");
    CHECK_MESSAGE(fs::exists(source_root() / "rules" / (rule_file(r->info) + ".cpp")),
                  "rules/" << rule_file(r->info) << ".cpp is missing");
  }
}

TEST_CASE("a category folder holds its rules and a support/ folder, nothing else") {
  std::set<std::string> rule_files;
  for (const Rule* r : all_rules()) rule_files.insert(rule_file(r->info) + ".cpp");
  for (const auto& folder : fs::directory_iterator(source_root() / "rules")) {
    if (!folder.is_directory()) continue;
    const std::string name = folder.path().filename().string();
    if (std::find(std::begin(kSharedFolders), std::end(kSharedFolders), name) != std::end(kSharedFolders)) continue;
    CHECK_MESSAGE(category_of_folder(name) != nullptr, "rules/" << name << "/ is no category: add it to kCategories");
    for (const auto& entry : fs::directory_iterator(folder.path())) {
      const std::string file = name + "/" + entry.path().filename().string();
      if (entry.is_directory())
        CHECK_MESSAGE(entry.path().filename() == "support", "rules/" << file << "/: helpers go in support/");
      else
        CHECK_MESSAGE(rule_files.count(file) == 1, "rules/" << file << " is no rule: helpers go in support/");
    }
  }
}

TEST_CASE("every rule has firing and silent fixture cases, and no fixture is orphaned") {
  std::set<std::string> rule_names;
  for (const Rule* r : all_rules()) {
    rule_names.insert(std::string(r->info.name));
    INFO(r->info.name);
    std::vector<testing::RuleCase> cases = testing::rule_cases(testdata() / "rules" / std::string(r->info.name));
    bool fires = std::any_of(cases.begin(), cases.end(), [](const auto& c) { return c.fires(); });
    bool silent = std::any_of(cases.begin(), cases.end(), [](const auto& c) { return !c.fires(); });
    CHECK_MESSAGE(fires, "testdata/rules/" << r->info.name << "/ needs a case with an `# expect:` marker");
    CHECK_MESSAGE(silent, "testdata/rules/" << r->info.name << "/ needs a case where the rule stays silent");
  }
  for (const auto& entry : fs::directory_iterator(testdata() / "rules"))
    CHECK_MESSAGE(rule_names.count(entry.path().filename().string()) == 1,
                  "testdata/rules/" << entry.path().filename().string() << " belongs to no rule");
}

TEST_CASE("a rule with fixes has migration goldens") {
  for (const Rule* r : all_rules()) {
    if (r->info.fix == FixAvailability::None) continue;
    INFO(r->info.name);
    std::vector<testing::RuleCase> cases = testing::rule_cases(testdata() / "rules" / std::string(r->info.name));
    bool has_golden = std::any_of(cases.begin(), cases.end(),
                                  [](const auto& c) { return fs::exists(c.dir / "expected.migration.yaml"); });
    CHECK_MESSAGE(has_golden, "testdata/rules/" << r->info.name << "/ needs a case with expected.migration.yaml");
  }
}

TEST_CASE("rules/meson.build lists every rule, in the registry's order") {
  // One line per rule, so a failure shows where the lists part.
  std::string listed;
  std::istringstream in(testing::env_dir("UPCHECK_RULE_FILES"));
  for (std::string file; in >> file;) listed += file + "\n";
  std::string registered;
  for (const Rule* r : all_rules()) registered += rule_file(r->info) + "\n";
  CHECK(listed == registered);
}

TEST_CASE("the documented examples fire and stay silent") {
  for (const Rule* r : all_rules()) {
    INFO(r->info.name);
    std::set<testing::Expectation> bad =
        testing::run_text(std::string(r->info.example_bad), r->info, std::string(r->info.example_args));
    std::set<testing::Expectation> good =
        testing::run_text(std::string(r->info.example_good), r->info, std::string(r->info.example_args));
    CHECK_MESSAGE(!bad.empty(), "example_bad does not fire");
    CHECK_MESSAGE(good.empty(), "example_good fires");
  }
}

TEST_CASE("the rule docs are what the metadata renders") {
  const fs::path docs = testing::env_dir("UPCHECK_DOCS");
  std::string diff = testing::compare_golden((docs / "rules.md").string(),
                                             "# Rules\n\nGenerated from the rules' metadata by the registry test "
                                             "(`UPCHECK_UPDATE_GOLDENS=1 meson test -C build registry`); do not "
                                             "edit.\n\n" +
                                                 render_rules_index_markdown(all_rules()));
  CHECK_MESSAGE(diff.empty(), diff);
  std::set<std::string> expected_pages;
  for (const Rule* r : all_rules()) {
    std::string page = std::string(r->info.name) + ".md";
    expected_pages.insert(page);
    std::string page_diff = testing::compare_golden((docs / "rules" / page).string(), render_rule_markdown(r->info));
    CHECK_MESSAGE(page_diff.empty(), page_diff);
  }
  for (const auto& entry : fs::directory_iterator(docs / "rules"))
    CHECK_MESSAGE(expected_pages.count(entry.path().filename().string()) == 1,
                  "docs/rules/" << entry.path().filename().string() << " documents no rule");
}

TEST_CASE("the README's rules table is what the metadata renders") {
  const fs::path readme = source_root() / "README.md";
  std::optional<std::string> text = testing::read_file(readme.string());
  REQUIRE(text);
  const std::string begin =
      "<!-- rules:begin (generated from the rules' metadata; the registry test keeps it current) -->\n";
  const std::string end = "<!-- rules:end -->";
  size_t b = text->find(begin);
  size_t e = text->find(end);
  REQUIRE_MESSAGE(b != std::string::npos, "README.md lost its rules:begin marker");
  REQUIRE(e != std::string::npos);
  std::string table = render_rules_index_markdown(all_rules());
  // Links in the README point into docs/.
  for (size_t pos = 0; (pos = table.find("](rules/", pos)) != std::string::npos; pos += 2)
    table.replace(pos, 8, "](docs/rules/");
  std::string current = text->substr(b + begin.size(), e - b - begin.size());
  if (current != table && testing::updating_goldens()) {
    testing::write_file(readme.string(), text->substr(0, b + begin.size()) + table + text->substr(e));
    current = table;
  }
  CHECK_MESSAGE(current == table,
                "README.md's rules table is stale: run UPCHECK_UPDATE_GOLDENS=1 meson test -C build registry");
}

TEST_CASE("docs/report.md lists every error and notice code") {
  const fs::path path = source_root() / "docs" / "report.md";
  std::optional<std::string> text = testing::read_file(path.string());
  REQUIRE(text);
  const std::string begin =
      "<!-- codes:begin (generated from src/model/diagnostic_codes.hpp; the registry test keeps it current) -->\n";
  const std::string end = "<!-- codes:end -->";
  size_t b = text->find(begin);
  size_t e = text->find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::string table = "| code | kind | meaning |\n| --- | --- | --- |\n";
  for (const DiagnosticCode* c : kDiagnosticCodes)
    table += "| `" + std::string(c->name) + "` | " + (c->is_error ? "error" : "notice") + " | " +
             std::string(c->meaning) + " |\n";
  std::string current = text->substr(b + begin.size(), e - b - begin.size());
  if (current != table && testing::updating_goldens()) {
    testing::write_file(path.string(), text->substr(0, b + begin.size()) + table + text->substr(e));
    current = table;
  }
  CHECK_MESSAGE(current == table,
                "docs/report.md's code table is stale: UPCHECK_UPDATE_GOLDENS=1 meson test -C build registry");
}

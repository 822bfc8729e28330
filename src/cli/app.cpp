#include "cli/app.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <cxxopts.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "cli/check_command.hpp"
#include "cli/collect_command.hpp"
#include "cli/migrate_command.hpp"
#include "cli/plan_command.hpp"
#include "cli/usage_error.hpp"
#include "report/rule_docs.hpp"
#include "rules/all_rules.hpp"
#include "version.hpp"

namespace upcheck::cli {
namespace {

constexpr std::string_view kUsage =
    "upcheck: find what will break when you upgrade Istio, before you do.\n"
    "\n"
    "Usage:\n"
    "  upcheck check [options] INPUT...     analyze manifests, kubectl dumps (YAML or JSON), helm template\n"
    "                                       output; INPUT is a file, a directory, or - for standard input\n"
    "  upcheck migrate --out DIR [options] INPUT...\n"
    "                                       write the fixes as ordered YAML step files, apply.sh and\n"
    "                                       MANUAL.md (--dry-run prints them); same options as check\n"
    "  upcheck collect --output FILE [--context C] [--kubeconfig F] [--kubectl PATH]\n"
    "                                       gather what the rules read from a cluster with your kubectl,\n"
    "                                       into one snapshot for check (Secret data never included)\n"
    "  upcheck plan --to VERSION --method canary|in-place [options] INPUT...\n"
    "                                       the step-by-step upgrade of this cluster as Markdown (or -o json),\n"
    "                                       from Istio's guides, blocking findings at the steps they block\n"
    "  upcheck rules [-o text|json|markdown]  list every rule\n"
    "  upcheck explain RULE                 what a rule checks, why, and how to fix it (name or code)\n"
    "  upcheck --version\n"
    "\n"
    "Run `upcheck COMMAND --help` for the options of check, migrate, plan and collect.\n";

int rules_command(const std::vector<std::string>& args, std::ostream& out) {
  cxxopts::Options options("upcheck rules", "List every rule.");
  // clang-format off: one option a line reads as the help it prints
  options.add_options()("o,format", "text, json or markdown", cxxopts::value<std::string>()->default_value("text"))(
      "h,help", "this help");
  // clang-format on
  std::vector<const char*> argv{"upcheck rules"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
  if (parsed.count("help") != 0) {
    out << options.help();
    return 0;
  }
  std::string format = parsed["format"].as<std::string>();
  if (format == "text") {
    out << render_rules_table_text(all_rules());
  } else if (format == "markdown") {
    out << render_rules_index_markdown(all_rules());
  } else if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const Rule* r : all_rules())
      list.push_back({{"code", r->info.code},
                      {"name", r->info.name},
                      {"category", r->info.category()},
                      {"severity", severity_name(r->info.severity)},
                      {"severities", severity_names(r->info)},
                      {"title", r->info.title},
                      {"fix", fix_availability_name(r->info.fix)},
                      {"needsTarget", r->info.needs_target}});
    out << list.dump(2) << '\n';
  } else {
    throw UsageError(fmt::format("unknown format '{}' for rules: use text, json or markdown", format));
  }
  return 0;
}

int explain_command(const std::vector<std::string>& args, std::ostream& out) {
  std::vector<std::string> names;
  std::string format = "text";
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-o" || args[i] == "--format") && i + 1 < args.size()) {
      format = args[++i];
    } else if (args[i] == "-h" || args[i] == "--help") {
      out << "Usage: upcheck explain RULE [-o text|json|markdown]\n";
      return 0;
    } else {
      names.push_back(args[i]);
    }
  }
  if (names.empty()) throw UsageError("explain needs a rule name or code (see `upcheck rules`)");
  for (const std::string& name : names) {
    const Rule* rule = find_rule(name);
    if (rule == nullptr) throw UsageError(fmt::format("no rule named '{}' (see `upcheck rules`)", name));
    if (format == "json") {
      const RuleInfo& r = rule->info;
      out << nlohmann::json{{"code", r.code},
                            {"name", r.name},
                            {"severity", severity_name(r.severity)},
                            {"severities", severity_names(r)},
                            {"title", r.title},
                            {"rationale", r.rationale},
                            {"remediation", r.remediation},
                            {"fix", fix_availability_name(r.fix)},
                            {"exampleBad", r.example_bad},
                            {"exampleGood", r.example_good}}
                 .dump(2)
          << '\n';
    } else if (format == "text" || format == "markdown") {
      out << render_explain_text(rule->info);
    } else {
      throw UsageError(fmt::format("unknown format '{}' for explain: use text, json or markdown", format));
    }
  }
  return 0;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) {
      err << kUsage;
      return 2;
    }
    const std::string& command = args.front();
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--version" || command == "version") {
      out << "upcheck " << kVersion << '\n';
      return 0;
    }
    if (command == "-h" || command == "--help" || command == "help") {
      out << kUsage;
      return 0;
    }
    if (command == "check") return check_command(rest, out, err);
    if (command == "migrate") return migrate_command(rest, out, err);
    if (command == "collect") return collect_command(rest, out, err);
    if (command == "plan") return plan_command(rest, out, err);
    if (command == "rules") return rules_command(rest, out);
    if (command == "explain") return explain_command(rest, out);
    if (!command.empty() && command.front() == '-' && command != "-") return check_command(args, out, err);
    throw UsageError(fmt::format("unknown command '{}'", command));
  } catch (const UsageError& e) {
    err << "upcheck: error: " << e.what() << '\n';
    return 2;
  } catch (const cxxopts::exceptions::exception& e) {
    err << "upcheck: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    // A bug (a rule's failure is caught in the engine; this is anything else): say so and exit
    // like any other error rather than end in std::terminate with no message.
    err << "upcheck: internal error: " << e.what() << '\n';
    return 2;
  } catch (...) {
    err << "upcheck: internal error: unknown exception\n";
    return 2;
  }
}

}  // namespace upcheck::cli

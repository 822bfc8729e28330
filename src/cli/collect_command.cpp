#include "cli/collect_command.hpp"

#include <fmt/format.h>
#include <cxxopts.hpp>

#include "cli/usage_error.hpp"
#include "collect/cluster_collector.hpp"

namespace upcheck::cli {
namespace {

cxxopts::Options collect_options() {
  cxxopts::Options o("upcheck collect", "Gather what the rules read from a cluster, with your own kubectl.");
  o.custom_help("[options] --output FILE");
  // clang-format off: one option a line reads as the help it prints
  o.add_options()("output", "write the snapshot to FILE (a kind: List in YAML)", cxxopts::value<std::string>())(
      "context", "the kubeconfig context to use (default: the current one)", cxxopts::value<std::string>())(
      "kubeconfig", "the kubeconfig file (default: kubectl's: $KUBECONFIG or ~/.kube/config)",
      cxxopts::value<std::string>())("kubectl", "the kubectl to run (default: kubectl on PATH)",
                                     cxxopts::value<std::string>())(
      "request-timeout", "kubectl's --request-timeout for each API request (default 30s)",
      cxxopts::value<std::string>())("timeout",
                                     "the most seconds one kubectl run may take; past it, it is killed (default 300)",
                                     cxxopts::value<unsigned>())("chunk-size", "objects per list request (default 500)",
                                                                 cxxopts::value<unsigned>())("h,help", "this help");
  // clang-format on
  return o;
}

}  // namespace

int collect_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  cxxopts::Options options = collect_options();
  std::vector<const char*> argv{"upcheck collect"};
  for (const std::string& a : raw_args) argv.push_back(a.c_str());
  cxxopts::ParseResult args = options.parse(static_cast<int>(argv.size()), argv.data());
  if (args.count("help") != 0) {
    out << options.help();
    return 0;
  }
  if (!args.unmatched().empty())
    throw UsageError(
        fmt::format("collect takes no inputs (got '{}'); name the snapshot with --output", args.unmatched().front()));
  if (args.count("output") == 0) throw UsageError("collect needs --output FILE: where to write the snapshot");

  collect::KubectlOptions kubectl_options;
  if (args.count("kubectl") != 0) kubectl_options.program = args["kubectl"].as<std::string>();
  if (args.count("kubeconfig") != 0) kubectl_options.kubeconfig = args["kubeconfig"].as<std::string>();
  if (args.count("context") != 0) kubectl_options.context = args["context"].as<std::string>();
  if (args.count("request-timeout") != 0) kubectl_options.request_timeout = args["request-timeout"].as<std::string>();
  if (args.count("timeout") != 0) kubectl_options.call_timeout = std::chrono::seconds(args["timeout"].as<unsigned>());
  unsigned chunk_size = args.count("chunk-size") != 0 ? args["chunk-size"].as<unsigned>() : 500;
  if (kubectl_options.program.empty()) throw UsageError("--kubectl needs a path or a name");
  if (kubectl_options.call_timeout.count() == 0) throw UsageError("--timeout must be at least 1 second");
  if (chunk_size == 0) throw UsageError("--chunk-size must be at least 1");
  std::string output = args["output"].as<std::string>();
  if (output.empty() || output == "-")
    throw UsageError("--output needs a file name (the snapshot is written whole, then renamed)");

  collect::Kubectl kubectl(kubectl_options);
  collect::ClusterCollector collector(kubectl, err, chunk_size);
  if (!collector.probe()) {
    err << "upcheck collect: nothing was collected; " << output << " was not written\n";
    return 2;
  }
  collect::SnapshotFile snapshot(output);
  if (!snapshot.ok()) {
    err << "upcheck collect: error: " << snapshot.error() << '\n';
    return 2;
  }
  collector.collect_into(snapshot);
  if (!snapshot.commit(collector.list_metadata())) {
    err << "upcheck collect: error: " << snapshot.error() << '\n';
    return 2;
  }
  std::vector<std::string> skipped = collector.skipped_kinds();
  err << fmt::format("upcheck collect: wrote {} objects of {} kinds to {}", snapshot.items(),
                     collector.collected_kinds().size(), output);
  if (!skipped.empty())
    err << fmt::format("; skipped {} (upcheck check will say which rules missed them)", fmt::join(skipped, ", "));
  err << '\n';
  return collector.had_errors() ? 2 : 0;
}

}  // namespace upcheck::cli

// Input written to hurt: huge, endless, binary, broken, compressed to explode, nested to overflow.
// Each must end in a clear error (file, line and column where there is one, the limit and its
// flag) while everything else is still read, without a crash, a hang or runaway memory.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "load/hostile_input_support.hpp"
#include "load/loader.hpp"

using namespace upcheck;
using namespace upcheck::load;
using namespace upcheck::load::testing;

namespace {

constexpr size_t kMiB = size_t{1} << 20;

// AddressSanitizer keeps freed memory in quarantine (256 MiB) before reusing it, and its allocator
// caches more on top: in that build resident memory says little about what the loader holds (300,000
// parser restarts measured 407 MiB there, 35 MiB in the g++ build). The sanitizer build's bounds
// only catch a runaway; the g++ build checks the real ones.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UPCHECK_ASAN 1
#endif
#endif
#ifdef UPCHECK_ASAN
constexpr size_t kAllocatorSlack = 512 * kMiB;
#else
constexpr size_t kAllocatorSlack = 0;
#endif

std::string namespace_doc(const std::string& name) {
  return "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n";
}

// Everything a load produced, one line each, for the tests to compare.
std::string describe(const LoadResult& r) {
  std::string out = "objects:";
  for (const Resource& res : r.resources) {
    out += ' ';
    out += res.name();
  }
  out += "\n";
  for (const Diagnostic& d : r.errors)
    out += fmt::format("error {} {}:{} {}\n", d.code->name, d.mark.line, d.mark.column, d.message);
  for (const Diagnostic& d : r.notices)
    out += fmt::format("notice {} {}:{} {}\n", d.code->name, d.mark.line, d.mark.column, d.message);
  return out;
}

LoadOptions one_job() {
  LoadOptions options;
  options.jobs = 1;  // no thread outlives a measurement
  return options;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a 100 MB scalar is refused by the document limit; the documents around it are read") {
  Cost cost = measure_in_child([] {
    PipeFeeder feed([](const PipeFeeder::Write& write) {
      write(namespace_doc("before"));
      write("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: ");
      const std::string block(kMiB, 'x');
      for (int i = 0; i < 100 && write(block); ++i) {}
      write("\n");
      write(namespace_doc("after"));
    });
    return describe(load_inputs({feed.path()}, one_job()));
  });
  INFO(cost.summary);
  CHECK(has(cost.summary, "objects: before after\n"));
  CHECK(has(cost.summary,
            "error limit-document 6:1 this document is larger than 67108864 bytes; skipped (raise the "
            "limit with --max-document-bytes)"));
  // Held: at most one document's worth, whatever the scalar's size (allocator slack included).
  CHECK(cost.peak_rss_growth < 3 * (64 * kMiB) + kAllocatorSlack);
}

TEST_CASE("a 20 MB scalar over the 16 MiB --max-scalar-bytes is an error at the scalar") {
  TempDir dir;
  std::string path = dir.write("big.yaml", namespace_doc("before") +
                                               "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n"
                                               "  blob: " +
                                               std::string(20 * kMiB, 'x') + "\n" + namespace_doc("after"));
  LoadResult r = load_inputs({path}, one_job());
  std::string what = describe(r);
  INFO(what);
  CHECK(has(what, "objects: before after\n"));
  CHECK(has(what,
            "error limit-scalar 12:9 a scalar of 20971520 bytes exceeds the limit of 16777216 bytes; raise it "
            "with --max-scalar-bytes"));
}

TEST_CASE("a 1 GiB line streams past in bounded memory") {
  Cost cost = measure_in_child([] {
    PipeFeeder feed([](const PipeFeeder::Write& write) {
      write(namespace_doc("before") + "---\n");
      const std::string block(kMiB, 'a');
      for (int i = 0; i < 1024 && write(block); ++i) {}
      write("\n");
      write(namespace_doc("after"));
    });
    return describe(load_inputs({feed.path()}, one_job()));
  });
  INFO(cost.summary);
  CHECK(has(cost.summary, "objects: before after\n"));
  CHECK(has(cost.summary, "error limit-document 6:1 this document is larger than"));
  CHECK(cost.peak_rss_growth < 3 * (64 * kMiB) + kAllocatorSlack);  // a sixth of the line at most
  MESSAGE(fmt::format("1 GiB line: {:.1f} s, peak RSS growth {} MiB", cost.seconds, cost.peak_rss_growth / kMiB));
}

TEST_CASE("NUL bytes in the middle of a file are an error where they are; a NUL up front means a binary file") {
  TempDir dir;
  // More than a KiB of comments first: binary formats put their NULs in the first bytes.
  std::string padding;
  for (int i = 0; i < 40; ++i) padding += "# a comment line to push the NUL bytes past the first KiB\n";
  std::string text = padding + namespace_doc("first") + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: nu" +
                     std::string(3, '\0') + "ll\n" + namespace_doc("third");
  LoadResult r = load_inputs({dir.write("nul.yaml", text)}, one_job());
  std::string what = describe(r);
  INFO(what);
  CHECK(has(what, "objects: first third\n"));
  CHECK(has(what,
            "error yaml-encoding 50:11 control characters are not allowed (byte 0x00): the input must be UTF-8 text"));

  LoadResult binary =
      load_inputs({dir.write("early.yaml", std::string("apiVersion: v1\0kind: Namespace\n", 31))}, one_job());
  REQUIRE(binary.errors.size() == 1);
  CHECK(binary.errors[0].code == &kBinaryInput);
  CHECK(binary.resources.empty());
}

TEST_CASE("invalid UTF-8 mid-document loses that document or List item only") {
  TempDir dir;
  // libyaml decodes ahead of what it parses: the bad byte is found before the first document's
  // events, which must still arrive.
  LoadResult docs = load_inputs(
      {dir.write("docs.yaml", namespace_doc("first") + namespace_doc("caf\xe9") + namespace_doc("third"))}, one_job());
  std::string what = describe(docs);
  INFO(what);
  CHECK(has(what, "objects: first third\n"));
  CHECK(has(what, "error yaml-encoding 10:12 invalid trailing UTF-8 octet (byte 0x0a): the input must be UTF-8 text"));
  CHECK(docs.errors.size() == 1);

  std::string list = "apiVersion: v1\nitems:\n";
  for (const char* name : {"one", "tw\xc3", "three"})
    list += std::string("- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ") + name + "\n";
  list += "kind: List\n";
  LoadResult items = load_inputs({dir.write("list.yaml", list)}, one_job());
  std::string listed = describe(items);
  INFO(listed);
  CHECK(has(listed, "objects: one three\n"));
  CHECK(has(listed, "error yaml-encoding 10:13 "));
  CHECK(items.errors.size() == 1);
}

TEST_CASE("a file that vanishes or turns into a FIFO after the directory walk is an error, not a hang") {
  TempDir dir;
  dir.write("a.yaml", namespace_doc("a"));
  std::string gone_target = dir.write("targets/gone.yaml", namespace_doc("gone"));
  std::filesystem::create_symlink(gone_target, dir.path / "b.yaml");
  dir.write("c.yaml", namespace_doc("c"));
  dir.write("d.yaml", namespace_doc("d"));
  LoadOptions options = one_job();
  bool raced = false;
  // The loader reports progress after each chunk: a.yaml's is the moment between the walk and
  // the reading of the rest.
  options.progress = [&](uint64_t, size_t, uint64_t) {
    if (raced) return;
    raced = true;
    std::filesystem::remove(gone_target);
    std::filesystem::remove(dir.path / "c.yaml");
    REQUIRE(::mkfifo((dir.path / "c.yaml").c_str(), 0600) == 0);
  };
  LoadResult r = load_inputs({dir.path.string()}, options);
  std::string what = describe(r);
  INFO(what);
  CHECK(raced);
  CHECK(has(what, "objects: a d\n"));
  CHECK(has(what, "error unreadable-input 0:0 cannot open: No such file or directory\n"));
  CHECK(
      has(what, "error unreadable-input 0:0 no longer a regular file: it was replaced after the directory was read\n"));
  CHECK(r.files[r.errors[0].file].path == (dir.path / "b.yaml").string());
}

TEST_CASE("a truncated gzip keeps the documents before the cut; gzip of binary is a binary file") {
  TempDir dir;
  // Three gzip members, as `cat a.gz b.gz c.gz` makes: the third is cut short.
  std::string third = gzip(namespace_doc("third") + std::string(2000, '#') + "\n");
  std::string bytes = gzip(namespace_doc("first")) + gzip(namespace_doc("second")) + third.substr(0, third.size() / 2);
  LoadResult r = load_inputs({dir.write("cut.yaml.gz", bytes)}, one_job());
  std::string what = describe(r);
  INFO(what);
  CHECK(has(what, "objects: first second\n"));
  CHECK(has(what,
            "error unreadable-input 11:1 truncated gzip data: the compressed stream ends early; the document "
            "that starts here is incomplete and was skipped\n"));

  LoadResult binary =
      load_inputs({dir.write("logo.png.yaml", gzip(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)))}, one_job());
  REQUIRE(binary.errors.size() == 1);
  CHECK(binary.errors[0].code == &kBinaryInput);

  LoadResult garbage = load_inputs({dir.write("garbage.yaml.gz", "\x1f\x8b not gzip at all")}, one_job());
  REQUIRE(garbage.errors.size() == 1);
  CHECK(garbage.errors[0].code == &kUnreadableInput);
  CHECK(has(garbage.errors[0].message, "invalid gzip data"));
}

TEST_CASE("gzip bombs are stopped by the limits, in bounded memory") {
  // 4 MB of gzip that expands to 4 GiB.
  SUBCASE("one endless line: the document limit, then --max-input-bytes") {
    Cost cost = measure_in_child([] {
      std::string bomb = gzip_bomb(std::string(kMiB, 'a'), 4096);
      LoadOptions options = one_job();
      options.limits.max_input_bytes = 512 * kMiB;
      return fmt::format("{} compressed bytes\n", bomb.size()) + describe(load_buffer("bomb.yaml.gz", bomb, options));
    });
    INFO(cost.summary);
    CHECK(has(cost.summary, "error limit-document 1:1 "));
    CHECK(has(cost.summary,
              "error limit-input 1:1 this input holds more than 536870912 bytes (after decompression); "
              "the rest is not read (raise the limit with --max-input-bytes)"));
    CHECK(cost.peak_rss_growth < 3 * (64 * kMiB) + kAllocatorSlack);
    MESSAGE(fmt::format("line bomb: {:.1f} s, peak RSS growth {} MiB", cost.seconds, cost.peak_rss_growth / kMiB));
  }
  SUBCASE("tiny objects: --max-objects stops the reading") {
    Cost cost = measure_in_child([] {
      std::string object = "---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n";
      std::string block;
      while (block.size() + object.size() <= kMiB) block += object;
      std::string bomb = gzip_bomb(block, 4096);
      LoadOptions options = one_job();
      options.limits.max_objects = 100'000;
      LoadResult r = load_buffer("bomb.yaml.gz", bomb, options);
      return fmt::format("{} objects\n", r.resources.size()) + describe(r).substr(describe(r).find('\n') + 1);
    });
    INFO(cost.summary);
    CHECK(has(cost.summary, "100000 objects\n"));
    CHECK(has(cost.summary,
              "error limit-objects 200002:2 more than 100000 objects: this one and the rest are not read "
              "(raise the limit with --max-objects)"));
    CHECK(cost.seconds < 60);
    CHECK(cost.peak_rss_growth < 256 * kMiB + kAllocatorSlack);
    MESSAGE(fmt::format("object bomb: {:.1f} s, peak RSS growth {} MiB", cost.seconds, cost.peak_rss_growth / kMiB));
  }
}

TEST_CASE("10,000-deep nesting, flow and block, stops at --max-depth with its position") {
  TempDir dir;
  const std::string head =
      "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata: {name: deep}\nspec:\n";
  std::string flow = head + "  x: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  std::string block = head + "  x:\n    " + [] {
    std::string dashes;
    for (int i = 0; i < 10000; ++i) dashes += "- ";
    return dashes;
  }() + "leaf\n";
  std::string mapping = head + "  x: ";
  for (int i = 0; i < 10000; ++i) mapping += "{a: ";
  mapping += "leaf" + std::string(10000, '}') + "\n";
  for (const std::string* text : {&flow, &block, &mapping}) {
    LoadResult r = load_inputs({dir.write("deep.yaml", *text + namespace_doc("after"))}, one_job());
    std::string what = describe(r);
    INFO(what);
    CHECK(has(what, "objects: after\n"));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == &kLimitDepth);
    CHECK(r.errors[0].mark.line == (text == &block ? 6u : 5u));
    CHECK(has(r.errors[0].message, "--max-depth"));
  }

  SUBCASE("at the --max-depth ceiling the whole tree is kept, without exhausting the stack") {
    LoadOptions options = one_job();
    options.limits.max_depth = LoadLimits::kMaxDepthCeiling;
    std::string deep = head + "  x: " + std::string(995, '[') + "leaf" + std::string(995, ']') + "\n";
    LoadResult r = load_inputs({dir.write("ceiling.yaml", deep)}, options);
    INFO(describe(r));
    REQUIRE(r.resources.size() == 1);
    CHECK(r.errors.empty());
    NodeRef node = r.resources[0].spec()["x"];
    for (int i = 0; i < 995 && node.is_seq(); ++i) node = node.at(0);
    CHECK(node.text() == "leaf");
  }
}

TEST_CASE("a billion laughs is refused in under a second and 100 MiB") {
  Cost cost = measure_in_child([] {
    std::string text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a "
        "[\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    char previous = 'a';
    for (char c = 'b'; c <= 'z'; ++c, ++previous) {
      text += std::string("  ") + c + ": &" + c + " [";
      for (int i = 0; i < 9; ++i) text += std::string(i != 0 ? "," : "") + "*" + previous;
      text += "]\n";
    }
    return describe(load_buffer("lol.yaml", text, one_job()));
  });
  INFO(cost.summary);
  CHECK(has(cost.summary, "error limit-alias 11:10 "));
  CHECK(has(cost.summary, "--max-alias-nodes"));
  CHECK(cost.seconds < 1.0);
  CHECK(cost.peak_rss_growth < 100 * kMiB + kAllocatorSlack);
  MESSAGE(fmt::format("billion laughs: {:.3f} s, peak RSS growth {} MiB", cost.seconds, cost.peak_rss_growth / kMiB));
}

TEST_CASE("more objects than --max-objects: the same objects are kept for any jobs and chunk size") {
  TempDir dir;
  std::vector<std::string> paths;
  for (int f = 0; f < 3; ++f) {
    std::string text;
    for (int i = 0; i < 4; ++i) text += namespace_doc(fmt::format("f{}-{}", f, i));
    text += "---\n[unclosed\n";  // after the limit: not read, so not reported
    paths.push_back(dir.write(fmt::format("{}.yaml", f), text));
  }
  std::string first;
  for (unsigned jobs : {1u, 3u})
    for (size_t chunk : {size_t{16}, size_t{1} << 20}) {
      LoadOptions options;
      options.jobs = jobs;
      options.chunk_bytes = chunk;
      options.limits.max_objects = 6;
      std::string what = describe(load_inputs(paths, options));
      INFO(jobs, " jobs, chunks of ", chunk);
      CHECK(what ==
            "objects: f0-0 f0-1 f0-2 f0-3 f1-0 f1-1\n"
            "error yaml-syntax 22:10 did not find expected ',' or ']' (while parsing a flow sequence that "
            "starts at line 22, column 1)\n"
            "error limit-objects 12:1 more than 6 objects: this one and the rest are not read (raise the limit "
            "with --max-objects)\n"
            "notice not-an-object 22:2 a scalar inside a list of objects is not a Kubernetes object; skipped\n");
    }
}

TEST_CASE("a mapping of 200,000 keys, each given twice, is read in linear time with capped notices") {
  std::string text = "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: keys\nspec:\n";
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 100'000; ++i) text += fmt::format("  k{}: {}\n", i, round);
  const auto start = std::chrono::steady_clock::now();
  LoadResult r = load_buffer("keys.yaml", text, one_job());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].spec()["k99999"].text() == "1");  // the last value wins
  CHECK(r.resources[0].spec().size() == 100'000);
  size_t listed = 0;
  for (const Diagnostic& d : r.notices) listed += d.code == &kDuplicateKey;
  CHECK(listed == kListedDiagnosticsPerCode);
  REQUIRE(!r.notices.empty());
  CHECK(r.notices[0].mark == Mark{100'006, 3});
  CHECK(has(r.notices[0].message, "(first at line 6, column 3)"));
  CHECK(r.notices.back().code == &kDiagnosticsCapped);
  CHECK(
      r.notices.back().message ==
      "99000 more notices 'duplicate-key' in this input are not listed: upcheck lists the first 1000 of each code per "
      "input");
  CHECK(seconds < 10);  // pairwise comparison took minutes
}

TEST_CASE("millions of tiny non-objects and broken documents cost a count, not a message each") {
  Cost cost = measure_in_child([] {
    std::string scalars;
    for (int i = 0; i < 2'000'000; ++i) scalars += "- 1\n";
    std::string broken;
    for (int i = 0; i < 300'000; ++i) broken += "---\na: [\n";
    LoadResult a = load_buffer("scalars.yaml", scalars, one_job());
    LoadResult b = load_buffer("broken.yaml", broken, one_job());
    return fmt::format("{} {} {} {}\n{}\n{}\n", a.notices.size(), a.errors.size(), b.notices.size(), b.errors.size(),
                       a.notices.back().message, b.notices.back().message);
  });
  INFO(cost.summary);
  CHECK(has(cost.summary, "1001 0 1 1000\n"));
  CHECK(has(cost.summary, "1999000 more notices 'not-an-object' in this input are not listed"));
  CHECK(has(cost.summary, "299000 more errors 'yaml-syntax' in this input are not listed"));
  CHECK(cost.peak_rss_growth < 64 * kMiB + kAllocatorSlack);  // was 2.4 GiB for the 2,000,000 notices alone
  CHECK(cost.seconds < 30);
  MESSAGE(fmt::format("tiny documents: {:.1f} s, peak RSS growth {} MiB", cost.seconds, cost.peak_rss_growth / kMiB));
}

#include "model/version.hpp"

#include <fmt/format.h>

#include <charconv>

namespace upcheck {
namespace {

bool parse_number(std::string_view& text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end == text.data() || out < 0) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  Version v;
  if (!parse_number(text, v.major)) return std::nullopt;
  if (text.empty() || text.front() != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!parse_number(text, v.minor)) return std::nullopt;
  if (!text.empty() && text.front() == '.') {
    text.remove_prefix(1);
    int patch = 0;
    if (!parse_number(text, patch)) return std::nullopt;
    v.patch = patch;
  }
  if (!text.empty()) {
    if (text.front() != '-' && text.front() != '+') return std::nullopt;
    text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    v.prerelease = std::string(text);
  }
  return v;
}

int Version::minors_to(const Version& to) const {
  auto index = [](const Version& v) {
    // 0.x releases ran to 0.8; 1.0 followed it.
    return v.major == 0 ? v.minor - 9 : (v.major - 1) * 1000 + v.minor;
  };
  return index(to) - index(*this);
}

std::string Version::str() const {
  // fmt rather than chained std::string additions, which GCC 12 misreads as overlapping copies
  // (a -Wrestrict false positive).
  std::string out = fmt::format("{}.{}", major, minor);
  if (patch) out += fmt::format(".{}", *patch);
  if (!prerelease.empty()) out += fmt::format("-{}", prerelease);
  return out;
}

std::string Version::revision_name() const {
  std::string out = str();
  for (char& c : out)
    if (c == '.') c = '-';
  return out;
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
  if (auto c = a.major <=> b.major; c != 0) return c;
  if (auto c = a.minor <=> b.minor; c != 0) return c;
  if (auto c = a.patch.value_or(-1) <=> b.patch.value_or(-1); c != 0) return c;
  if (a.prerelease.empty() != b.prerelease.empty())
    return a.prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  return a.prerelease.compare(b.prerelease) <=> 0;
}

}  // namespace upcheck

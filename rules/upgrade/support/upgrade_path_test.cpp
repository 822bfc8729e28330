#include <doctest/doctest.h>

#include "rules/upgrade/support/upgrade_path.hpp"

using namespace upcheck;
using namespace upcheck::rules;

namespace {
Version v(const char* text) { return *Version::parse(text); }
}  // namespace

TEST_CASE("in place, every minor release is a hop; 0.8 is followed by 1.0") {
  CHECK(describe_path(supported_path(v("1.0.6"), v("1.2"), UpgradeMethod::InPlace), UpgradeMethod::InPlace) ==
        "1.0 → 1.1 first, then 1.1 → 1.2");
  CHECK(describe_path(supported_path(v("0.7.1"), v("1.1"), UpgradeMethod::InPlace), UpgradeMethod::InPlace) ==
        "0.7 → 0.8 first, 0.8 → 1.0, then 1.0 → 1.1");
  CHECK(supported_path(v("1.1.7"), v("1.2"), UpgradeMethod::InPlace).size() == 1);
}

TEST_CASE("canaries jump two minors to 1.11 and later, one before, and none below 1.6") {
  // Two-minor canaries are documented for targets 1.11 and later only.
  CHECK(describe_path(supported_path(v("1.8"), v("1.12"), UpgradeMethod::Canary), UpgradeMethod::Canary) ==
        "1.8 → 1.9 first, 1.9 → 1.11, then 1.11 → 1.12");
  CHECK(supported_path(v("1.10.2"), v("1.12"), UpgradeMethod::Canary).size() == 1);
  CHECK(describe_path(supported_path(v("1.9"), v("1.12"), UpgradeMethod::Canary), UpgradeMethod::Canary) ==
        "1.9 → 1.11 first, then 1.11 → 1.12");
  CHECK(describe_path(supported_path(v("1.4"), v("1.7"), UpgradeMethod::Canary), UpgradeMethod::Canary) ==
        "1.4 → 1.5 (in place) first, 1.5 → 1.6, then 1.6 → 1.7");
  CHECK(supported_jump(UpgradeMethod::Canary, v("1.5")) == 0);
  CHECK(supported_jump(UpgradeMethod::Canary, v("1.10")) == 1);
  CHECK(supported_jump(UpgradeMethod::Canary, v("1.11.2")) == 2);
  CHECK(supported_jump(UpgradeMethod::InPlace, v("1.20")) == 1);
}

TEST_CASE("downgrades go one minor at a time") {
  CHECK(describe_path(supported_path(v("1.7.3"), v("1.5"), UpgradeMethod::InPlace), UpgradeMethod::InPlace) ==
        "1.7 → 1.6 first, then 1.6 → 1.5");
}

#include <doctest/doctest.h>

#include "model/version.hpp"

using upcheck::Version;

TEST_CASE("versions parse in every spelling a user or an image tag uses") {
  CHECK(Version::parse("1.2")->str() == "1.2");
  CHECK(Version::parse("v1.2.5")->str() == "1.2.5");
  CHECK(Version::parse("1.20.0-beta.1")->prerelease == "beta.1");
  CHECK_FALSE(Version::parse("latest"));
  CHECK_FALSE(Version::parse("1"));
  CHECK_FALSE(Version::parse("1.x"));
  CHECK_FALSE(Version::parse("release-1.1-latest-daily"));
  CHECK_FALSE(Version::parse("1.2."));
}

TEST_CASE("versions order by release, pre-releases first") {
  CHECK(*Version::parse("1.2") < *Version::parse("1.2.0"));
  CHECK(*Version::parse("1.2.0-rc.1") < *Version::parse("1.2.0"));
  CHECK(*Version::parse("1.10.0") > *Version::parse("1.9.9"));
  CHECK(*Version::parse("v1.2.5") == *Version::parse("1.2.5"));
}

TEST_CASE("minor distance counts releases, 0.8 to 1.0 being one step") {
  CHECK(Version::parse("1.1.7")->minors_to(*Version::parse("1.2")) == 1);
  CHECK(Version::parse("1.1")->minors_to(*Version::parse("1.3")) == 2);
  CHECK(Version::parse("1.3")->minors_to(*Version::parse("1.1")) == -2);
  CHECK(Version::parse("0.8.0")->minors_to(*Version::parse("1.0")) == 1);
  CHECK(Version::parse("1.6.8")->revision_name() == "1-6-8");
}

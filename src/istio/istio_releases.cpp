// Istio minor releases, 0.1 to the newest known. Generated once from
// ../shared/data/istio-releases.tsv (each row there cites its istio/istio.io source: release
// announcements, supportStatus.yml, end-of-life notices) and reviewed by hand; a new Istio
// release is a new row here.
#include "istio/istio_releases.hpp"

#include <algorithm>

namespace upcheck {
namespace {

// 0.x releases predate the support table: no dates or Kubernetes support are recorded for them.
constexpr IstioRelease kReleases[] = {
    {0, 1, "", "", "", "mixer"},
    {0, 2, "", "", "", "mixer"},
    {0, 3, "", "", "", "mixer"},
    {0, 4, "", "", "", "mixer"},
    {0, 5, "", "", "", "mixer"},
    {0, 6, "", "", "", "mixer"},
    {0, 7, "", "", "", "mixer"},
    {0, 8, "", "", "", "mixer"},
    {1, 0, "2018-07-31", "2019-06-19", "", "mixer"},
    {1, 1, "2019-03-19", "2019-10-21", "1.11,1.12,1.13", "mixer"},
    {1, 2, "2019-06-18", "2019-12-13", "1.12,1.13,1.14", "mixer"},
    {1, 3, "2019-09-12", "2020-02-14", "1.13,1.14,1.15", "mixer"},
    {1, 4, "2019-11-14", "2020-06-05", "1.13,1.14,1.15", "mixer"},
    {1, 5, "2020-03-05", "2020-08-24", "1.14,1.15,1.16", "transition"},
    {1, 6, "2020-05-21", "2020-11-23", "1.15,1.16,1.17,1.18", "istiod"},
    {1, 7, "2020-08-21", "2021-02-25", "1.16,1.17,1.18", "istiod"},
    {1, 8, "2020-11-19", "2021-05-12", "1.16,1.17,1.18,1.19", "istiod"},
    {1, 9, "2021-02-09", "2021-10-08", "1.17,1.18,1.19,1.20", "istiod"},
    {1, 10, "2021-05-18", "2022-01-07", "1.18,1.19,1.20,1.21", "istiod"},
    {1, 11, "2021-08-12", "2022-03-25", "1.18,1.19,1.20,1.21,1.22", "istiod"},
    {1, 12, "2021-11-18", "2022-07-12", "1.19,1.20,1.21,1.22", "istiod"},
    {1, 13, "2022-02-11", "2022-10-12", "1.20,1.21,1.22,1.23", "istiod"},
    {1, 14, "2022-06-01", "2022-12-27", "1.21,1.22,1.23,1.24", "istiod"},
    {1, 15, "2022-08-31", "2023-04-04", "1.22,1.23,1.24,1.25", "istiod"},
    {1, 16, "2022-11-15", "2023-07-25", "1.22,1.23,1.24,1.25", "istiod"},
    {1, 17, "2023-02-14", "2023-10-27", "1.23,1.24,1.25,1.26", "istiod"},
    {1, 18, "2023-06-07", "2024-01-04", "1.24,1.25,1.26,1.27", "istiod+ambient"},
    {1, 19, "2023-09-05", "2024-04-24", "1.25,1.26,1.27,1.28", "istiod+ambient"},
    {1, 20, "2023-11-14", "2024-06-25", "1.25,1.26,1.27,1.28,1.29", "istiod+ambient"},
    {1, 21, "2024-03-13", "2024-09-27", "1.26,1.27,1.28,1.29", "istiod+ambient"},
    {1, 22, "2024-05-13", "2025-01-22", "1.27,1.28,1.29,1.30", "istiod+ambient"},
    {1, 23, "2024-08-14", "2025-04-16", "1.27,1.28,1.29,1.30", "istiod+ambient"},
    {1, 24, "2024-11-07", "2025-06-24", "1.28,1.29,1.30,1.31", "istiod+ambient"},
    {1, 25, "2025-03-03", "2025-09-30", "1.29,1.30,1.31,1.32", "istiod+ambient"},
    {1, 26, "2025-05-08", "2025-12-22", "1.29,1.30,1.31,1.32", "istiod+ambient"},
    {1, 27, "2025-08-11", "2026-04-07", "1.29,1.30,1.31,1.32,1.33", "istiod+ambient"},
    {1, 28, "2025-11-05", "2026-07-01", "1.29,1.30,1.31,1.32,1.33,1.34", "istiod+ambient"},
    {1, 29, "2026-02-16", "2026-10-12", "1.31,1.32,1.33,1.34,1.35", "istiod+ambient"},
    {1, 30, "2026-05-18", "", "1.32,1.33,1.34,1.35,1.36", "istiod+ambient"},
    {1, 31, "2026-08-31", "", "1.32,1.33,1.34,1.35,1.36", "istiod+ambient"},
};

}  // namespace

std::span<const IstioRelease> istio_releases() { return kReleases; }

const IstioRelease* find_istio_release(const Version& v) {
  auto it = std::find_if(std::begin(kReleases), std::end(kReleases),
                         [&](const IstioRelease& r) { return r.major == v.major && r.minor == v.minor; });
  return it == std::end(kReleases) ? nullptr : &*it;
}

const IstioRelease& newest_istio_release() { return kReleases[std::size(kReleases) - 1]; }

}  // namespace upcheck

// The same object given twice (one file or two: `istioctl manifest generate` output, a dump and
// a manifest) is one object, as in the cluster: the copy kubectl would apply last is kept.
#pragma once

#include <deque>
#include <vector>

#include "model/diagnostic.hpp"
#include "model/resource.hpp"
#include "model/snapshot.hpp"

namespace upcheck {

// Keeps, of each API group, kind, namespace and name, the last copy in input order (the one
// `kubectl apply -f` applies last), and returns a `duplicate-object` notice at each dropped copy
// naming the kept one. Objects without a name (`generateName`) are never duplicates. Otherwise
// the order is unchanged.
std::vector<Diagnostic> drop_duplicate_objects(const std::vector<SourceFile>& files, std::deque<Resource>& resources);

}  // namespace upcheck

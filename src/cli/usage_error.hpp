// A mistake on the command line or in .upcheck.yaml: reported on stderr, exit status 2.
#pragma once

#include <stdexcept>

namespace upcheck::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace upcheck::cli

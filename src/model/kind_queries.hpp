// Which kinds are asked of a Snapshot while a rule runs. The registry test holds each rule's
// declared `kinds` to what it really reads during its fixtures (as Istio's CheckMetadataInputs),
// so the docs' "Reads:" line cannot drift from the code. Nothing is recorded outside that test.
#pragma once

#include <string_view>

namespace upcheck {

// Stands for a walk over every object (Snapshot::all()): a rule that does one declares it so.
inline constexpr std::string_view kEveryKind = "every kind";

class KindQueryLog {
 public:
  virtual ~KindQueryLog() = default;
  virtual void queried(std::string_view kind) = 0;
};

// Sets this thread's log for its lifetime (the engine, around one rule's check).
class ScopedKindQueryLog {
 public:
  explicit ScopedKindQueryLog(KindQueryLog* log);
  ~ScopedKindQueryLog();
  ScopedKindQueryLog(const ScopedKindQueryLog&) = delete;
  ScopedKindQueryLog& operator=(const ScopedKindQueryLog&) = delete;

 private:
  KindQueryLog* previous_;
};

// Called by the Snapshot's queries: one load and a branch when no log is set.
void note_kind_query(std::string_view kind);

}  // namespace upcheck

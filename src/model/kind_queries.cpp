#include "model/kind_queries.hpp"

namespace upcheck {
namespace {

thread_local KindQueryLog* current_log = nullptr;

}  // namespace

ScopedKindQueryLog::ScopedKindQueryLog(KindQueryLog* log) : previous_(current_log) { current_log = log; }

ScopedKindQueryLog::~ScopedKindQueryLog() { current_log = previous_; }

void note_kind_query(std::string_view kind) {
  if (current_log != nullptr) current_log->queried(kind);
}

}  // namespace upcheck

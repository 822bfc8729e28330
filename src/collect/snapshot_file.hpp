// The snapshot `upcheck collect` writes: one `kind: List` in kubectl's YAML layout, items
// streamed as they arrive, the List's metadata (which says what was collected) last.
//
// It is written to `<path>.partial` and renamed into place by commit(), so a run that stops
// half-way never leaves a truncated snapshot under the real name. A kind whose listing fails
// half-way is rolled back to a checkpoint: the snapshot holds each kind wholly or not at all.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace upcheck::collect {

class SnapshotFile {
 public:
  struct Checkpoint {
    int64_t offset = 0;
    size_t items = 0;
  };

  // Creates `<path>.partial`, readable by its owner only (a snapshot describes a cluster).
  explicit SnapshotFile(std::string path);
  ~SnapshotFile();  // removes the partial file unless committed
  SnapshotFile(const SnapshotFile&) = delete;
  SnapshotFile& operator=(const SnapshotFile&) = delete;

  bool ok() const { return fd_ >= 0 && error_.empty(); }
  const std::string& error() const { return error_; }
  size_t items() const { return items_; }

  void add(const nlohmann::json& object);
  Checkpoint checkpoint();
  void rollback(const Checkpoint& to);
  // Writes `kind: List` and `metadata`, then renames the file to its real name.
  bool commit(const nlohmann::json& metadata);

 private:
  void flush();
  void fail(const std::string& what);

  std::string path_;
  std::string partial_path_;
  int fd_ = -1;
  std::string buffer_;
  size_t items_ = 0;
  bool committed_ = false;
  std::string error_;
};

}  // namespace upcheck::collect

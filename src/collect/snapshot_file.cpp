#include "collect/snapshot_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "collect/yaml_list_writer.hpp"

namespace upcheck::collect {
namespace {

constexpr size_t kFlushBytes = 1u << 20;
constexpr std::string_view kHeader = "apiVersion: v1\n";

}  // namespace

SnapshotFile::SnapshotFile(std::string path) : path_(std::move(path)), partial_path_(path_ + ".partial") {
  fd_ = ::open(partial_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error_ = "cannot write " + partial_path_ + ": " + std::strerror(errno);
    return;
  }
  buffer_ = kHeader;
}

SnapshotFile::~SnapshotFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && fd_ >= 0) ::unlink(partial_path_.c_str());
}

void SnapshotFile::fail(const std::string& what) {
  if (error_.empty()) error_ = what + " " + partial_path_ + ": " + std::strerror(errno);
}

void SnapshotFile::flush() {
  size_t done = 0;
  while (ok() && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail("cannot write");
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void SnapshotFile::add(const nlohmann::json& object) {
  if (!ok()) return;
  if (items_ == 0) buffer_ += "items:\n";
  append_yaml_list_item(buffer_, object);
  ++items_;
  if (buffer_.size() >= kFlushBytes) flush();
}

SnapshotFile::Checkpoint SnapshotFile::checkpoint() {
  flush();
  off_t at = ok() ? ::lseek(fd_, 0, SEEK_CUR) : 0;
  return {static_cast<int64_t>(at), items_};
}

void SnapshotFile::rollback(const Checkpoint& to) {
  buffer_.clear();
  if (!ok()) return;
  if (::ftruncate(fd_, static_cast<off_t>(to.offset)) != 0 || ::lseek(fd_, static_cast<off_t>(to.offset), SEEK_SET) < 0)
    fail("cannot truncate");
  items_ = to.items;
}

bool SnapshotFile::commit(const nlohmann::json& metadata) {
  if (!ok()) return false;
  if (items_ == 0) buffer_ += "items: []\n";
  buffer_ += "kind: List\nmetadata:\n";
  append_yaml_mapping(buffer_, metadata, 2);
  flush();
  if (ok() && ::fsync(fd_) != 0) fail("cannot write");
  if (!ok()) return false;
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot write");
    ::unlink(partial_path_.c_str());
    return false;
  }
  fd_ = -1;
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    error_ = "cannot rename " + partial_path_ + " to " + path_ + ": " + std::strerror(errno);
    ::unlink(partial_path_.c_str());
    return false;
  }
  committed_ = true;
  return true;
}

}  // namespace upcheck::collect

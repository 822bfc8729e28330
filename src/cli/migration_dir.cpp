#include "cli/migration_dir.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "cli/usage_error.hpp"

namespace fs = std::filesystem;

namespace upcheck::cli {
namespace {

constexpr std::string_view kRecordHeader =
    "# Written by `upcheck migrate`: the files it wrote into this directory. Its next run here\n"
    "# replaces or deletes exactly these and leaves everything else alone.\n";

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A name the record may hold: a file directly in the directory, so that an edited record cannot
// make a re-run delete anything outside it.
bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name != kMigrationRecord;
}

std::vector<std::string> read_record(const fs::path& record) {
  std::ifstream in(record, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + record.string());
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    if (!plain_name(line))
      throw UsageError(fmt::format("{} names '{}', which is not a file of its directory", record.string(), line));
    names.push_back(line);
  }
  return names;
}

std::string record_text(const std::vector<std::string>& names) {
  std::string out(kRecordHeader);
  for (const std::string& name : names) out += name + "\n";
  return out;
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

// The directory `dir` names, absolute; a symlink the user gave as DIR is followed.
fs::path resolve(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "migration/"
  if (!fs::exists(p)) return p;
  if (!fs::is_directory(p)) throw UsageError(fmt::format("--out {}: not a directory", dir.string()));
  return fs::canonical(p);
}

// A new directory beside `target`, on its file system so that its files can be renamed into place.
// mkdir fails on anything already there, a symlink included, so nothing else is written into.
fs::path make_staging_dir(const fs::path& target) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = fmt::format(".{}.upcheck-{}-{}", target.filename().string(), ::getpid(), attempt);
    const fs::path p = target.parent_path() / name;
    if (::mkdir(p.c_str(), 0777) == 0) return p;
    if (errno != EEXIST) throw std::system_error(errno, std::generic_category(), "cannot create " + p.string());
  }
  throw std::runtime_error("cannot create a directory beside " + target.string());
}

// What an existing directory already holds from migrate, refusing one migrate must not write into.
std::vector<std::string> earlier_files(const fs::path& dir, const fs::path& target,
                                       const std::vector<OutputFile>& files) {
  if (fs::is_empty(target)) return {};
  const fs::path record = target / kMigrationRecord;
  if (!fs::is_regular_file(fs::symlink_status(record)))
    throw UsageError(
        fmt::format("--out {}: the directory is not empty and `upcheck migrate` did not write it "
                    "(it has no {}): give a new or empty directory",
                    dir.string(), kMigrationRecord));
  std::vector<std::string> earlier = read_record(record);
  for (const OutputFile& f : files)
    if (!contains(earlier, f.name) && fs::exists(fs::symlink_status(target / f.name)))
      throw UsageError(
          fmt::format("--out {}: {} is not a file `upcheck migrate` wrote there, and this run would "
                      "replace it: move it away or give another directory",
                      dir.string(), f.name));
  for (const std::string& name : earlier)
    if (fs::is_directory(fs::symlink_status(target / name)))
      throw UsageError(
          fmt::format("--out {}: {} is a directory now, not the file `upcheck migrate` wrote: move it "
                      "away or give another directory",
                      dir.string(), name));
  return earlier;
}

// Moves the staged files into an existing directory. Until they are all there, the record lists the
// earlier files as well, so that a run cut short leaves nothing the next run would not recognise.
void move_into(const fs::path& staging, const fs::path& target, const std::vector<std::string>& earlier,
               const std::vector<std::string>& names) {
  std::vector<std::string> both = earlier;
  for (const std::string& name : names)
    if (!contains(both, name)) both.push_back(name);
  const fs::path interim = staging / (std::string(kMigrationRecord) + ".interim");
  write_file(interim, record_text(both));
  fs::rename(interim, target / kMigrationRecord);
  // rename replaces a directory entry, a symlink included, and never writes through it.
  for (const std::string& name : names) fs::rename(staging / name, target / name);
  for (const std::string& name : earlier)
    if (!contains(names, name)) fs::remove(target / name);
  fs::rename(staging / kMigrationRecord, target / kMigrationRecord);
}

}  // namespace

void write_migration_dir(const fs::path& dir, const std::vector<OutputFile>& files) {
  const fs::path target = resolve(dir);
  const bool exists = fs::exists(target);
  std::vector<std::string> earlier;
  if (exists)
    earlier = earlier_files(dir, target, files);
  else
    fs::create_directories(target.parent_path());

  std::vector<std::string> names;
  for (const OutputFile& f : files) names.push_back(f.name);
  const fs::path staging = make_staging_dir(target);
  try {
    for (const OutputFile& f : files) {
      write_file(staging / f.name, f.content);
      if (f.executable)
        fs::permissions(staging / f.name, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add);
    }
    write_file(staging / kMigrationRecord, record_text(names));
    if (exists) {
      move_into(staging, target, earlier, names);
      fs::remove(staging);
    } else {
      fs::rename(staging, target);  // all files appear at once
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
}

}  // namespace upcheck::cli

#pragma once
// The files `rosterd demo` creates: its database, which must be new, and a private
// directory for its configuration. The demo deletes only what it created itself in
// the same invocation, and never overwrites a file.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rosterd::cli {

// The database file and the files SQLite keeps beside it (-wal, -shm, -journal) that
// exist now, as given. Any of them makes the path unusable for a new demo database: a
// -wal or -journal left by another database would be replayed into the new one.
std::vector<std::string> existing_database_files(const std::string& database);

// "a", "a and b", "a, b and c": such files named in a message.
std::string listed_files(const std::vector<std::string>& files);

// A database file the demo created, empty, with O_CREAT | O_EXCL: it never replaces a
// file, whatever appears at the path meanwhile.
class NewDatabaseFile {
 public:
  enum class Outcome { created, exists, failed };

  // Creates `path` (mode 0644 less the umask). On `exists` or `failed`, error() says why.
  explicit NewDatabaseFile(std::string path);
  NewDatabaseFile(const NewDatabaseFile&) = delete;
  NewDatabaseFile& operator=(const NewDatabaseFile&) = delete;

  [[nodiscard]] Outcome outcome() const { return m_outcome; }
  [[nodiscard]] const std::string& error() const { return m_error; }

  // Removes the file if it is still the one created here and still empty: for a demo
  // that fails before its first sync. A file someone put in its place stays.
  void remove_if_untouched() const;

 private:
  std::string m_path;
  Outcome m_outcome = Outcome::failed;
  std::string m_error;
  dev_t m_device = 0;
  ino_t m_inode = 0;
};

// A directory only the current user can enter (mkdtemp, 0700) under the system's
// temporary directory, removed with everything in it when this object goes.
class PrivateTempDirectory {
 public:
  // Throws std::system_error when it cannot be created.
  explicit PrivateTempDirectory(const std::string& name_prefix);
  ~PrivateTempDirectory();
  PrivateTempDirectory(const PrivateTempDirectory&) = delete;
  PrivateTempDirectory& operator=(const PrivateTempDirectory&) = delete;

  [[nodiscard]] std::filesystem::path path() const { return m_path; }

  // Writes a new file `name` in the directory, readable by the owner only (0600).
  // Throws std::system_error.
  std::string write_private_file(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace rosterd::cli

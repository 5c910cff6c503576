// Files replaced atomically (persistence snapshots, password files) never
// follow a symlink planted at the temporary name or at the file itself.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "server/auth/password_file.hpp"
#include "server/persist/files.hpp"

namespace mq::server {

namespace {

namespace fs = std::filesystem;

/// A fresh directory holding a file "victim" with known contents.
struct Planted {
  fs::path dir;
  Planted() {
    dir = fs::temp_directory_path() / ("mq_replace_file_test_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directory(dir);
    std::ofstream(dir / "victim") << "precious\n";
  }
  ~Planted() { fs::remove_all(dir); }
  std::string victim() const {
    std::ifstream in(dir / "victim");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  /// Only the file itself and the victim are left: no temporary file.
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {})); }
};

}  // namespace

TEST_CASE("replace_file: a symlink at NAME.tmp is not followed") {
  Planted p;
  const std::string path = (p.dir / "data.db").string();
  fs::create_symlink(p.dir / "victim", path + ".tmp");
  REQUIRE_FALSE(replace_file(p.dir.string(), path, as_bytes("new")));
  CHECK(p.victim() == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
  CHECK(fs::file_size(path) == 3);
  CHECK((fs::status(path).permissions() & fs::perms::all) == fs::perms(0600));
}

TEST_CASE("password file: saving never writes through a symlink (pw.tmp or pw itself)") {
  Planted p;
  const std::string pw = (p.dir / "pw").string();
  fs::create_symlink(p.dir / "victim", pw + ".tmp");
  PasswordFile f;
  f.set("carol", "cpw", 1000);
  REQUIRE_FALSE(f.save(pw));
  CHECK(p.victim() == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(pw)));
  CHECK((fs::status(pw).permissions() & fs::perms::all) == fs::perms(0600));

  // A symlink at the file's own name is replaced by the file, not written through.
  fs::remove(pw);
  fs::remove(pw + ".tmp");
  fs::create_symlink(p.dir / "victim", pw);
  REQUIRE_FALSE(f.save(pw));
  CHECK(p.victim() == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(pw)));
  CHECK(p.entries() == 2);
}

}  // namespace mq::server

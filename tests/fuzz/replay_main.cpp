/// A main() for fuzz targets in builds without libFuzzer: runs the target on
/// every file named on the command line or found under a named folder, so
/// the seed corpus and the kept crash inputs exercise the targets' invariants
/// in every ordinary build. A folder given after --if-exists may be missing.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

/// Runs the target on one file; false when it cannot be read.
bool replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  bool optional = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--if-exists") {
      optional = true;
      continue;
    }
    const fs::path path(arg);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      if (optional) {
        optional = false;
        continue;
      }
      std::fprintf(stderr, "%s: no such file or folder\n", arg.c_str());
      return 2;
    }
    optional = false;
    std::vector<fs::path> files;
    if (fs::is_directory(path)) {
      for (const auto& e : fs::recursive_directory_iterator(path))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const fs::path& f : files) {
      if (!replay(f)) {
        std::fprintf(stderr, "%s: cannot read\n", f.c_str());
        return 2;
      }
      ++count;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "no input replayed\n");
    return 2;
  }
  std::printf("replayed %zu inputs without a broken invariant\n", count);
  return 0;
}

// html_report without a browser: the data is embedded, user text cannot end
// the script element, and the file is written or the error says why.
// tests/integration/mqbench_report_test.py checks the page in chromium.

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/output.hpp"
#include "sample_result.hpp"

namespace mq::bench {

TEST_CASE("report: one self-contained page with the run's data embedded") {
  RunResult r = sample::worker_result({}, 0, 1);
  r.settings["topic"] = "a</script><script>alert(1)</script>";
  const std::string page = html_report(r);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("@DATA@") == std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);
  // Exactly the page's own three script elements end; the topic's does not.
  std::size_t ends = 0;
  for (std::size_t at = page.find("</script>"); at != std::string::npos; at = page.find("</script>", at + 1)) ++ends;
  CHECK(ends == 3);
  CHECK(page.find("a\\u003c/script>\\u003cscript>alert(1)\\u003c/script>") != std::string::npos);
  CHECK(page.find("\"received\":[800.0,800.0,800.0,800.0,800.0]") != std::string::npos);
}

TEST_CASE("report: written to a file, or an error naming the path") {
  const RunResult r = sample::worker_result({}, 0, 1);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("mq_report_test_" + std::to_string(getpid()) + ".html")).string();
  REQUIRE(write_html_report(r, path) == std::nullopt);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == html_report(r));
  std::remove(path.c_str());
  CHECK(write_html_report(r, "/nonexistent-dir/r.html") == "--report /nonexistent-dir/r.html: cannot create the file");
}

}  // namespace mq::bench

#include "cli_errors.hpp"

#include <regex>
#include <sstream>

#include <fmt/format.h>

namespace mq::apps {

namespace {

/// "0.000000" -> "0", "2.500000" -> "2.5"; CLI11 prints range limits with %f.
std::string trim_number(std::string n) {
  if (n.find('.') == std::string::npos) return n;
  while (!n.empty() && n.back() == '0') n.pop_back();
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

/// True for a limit so large it only means "no upper limit" (DBL_MAX, INT_MAX and the like).
bool unbounded(const std::string& n) { return n.size() > 9; }

/// "{0,1,2}" -> "0, 1, 2".
std::string member_list(std::string set) {
  if (set.size() >= 2 && set.front() == '{' && set.back() == '}') set = set.substr(1, set.size() - 2);
  std::string out;
  for (char c : set) out += c == ',' ? std::string(", ") : std::string(1, c);
  return out;
}

/// The words of CLI11's extras list back in command line order (it collects them last first).
std::string extras_in_order(const std::string& list) {
  std::istringstream in(list);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  std::string out;
  for (auto it = words.rbegin(); it != words.rend(); ++it) out += (out.empty() ? "" : " ") + *it;
  return out;
}

}  // namespace

std::string usage_message(const CLI::ParseError& error) {
  const std::string what = error.what();
  std::smatch m;
  static const std::regex range(R"(^(\S+): Value (\S+) not in range (\S+) to (\S+)$)");
  static const std::regex member(R"(^(\S+): (?:Value )?(.*) not in (\{.*\})$)");
  static const std::regex convert(R"(^Could not convert: (\S+) = (.*)$)");
  static const std::regex extras(R"(^The following arguments? (?:was|were) not expected: (.*)$)");
  if (std::regex_match(what, m, range)) {
    const std::string low = trim_number(m[3]);
    const std::string high = trim_number(m[4]);
    if (unbounded(high))
      return low == "0" ? fmt::format("{}: {} is not a positive number", m[1].str(), m[2].str())
                        : fmt::format("{}: {} is below the minimum of {}", m[1].str(), m[2].str(), low);
    return fmt::format("{}: {} is not in the range {} to {}", m[1].str(), m[2].str(), low, high);
  }
  if (std::regex_match(what, m, member))
    return fmt::format("{}: {} is not one of {}", m[1].str(), m[2].str(), member_list(m[3]));
  if (std::regex_match(what, m, convert))
    return fmt::format("{}: '{}' is not a valid value", m[1].str(), m[2].str());
  if (std::regex_match(what, m, extras)) {
    const std::string args = extras_in_order(m[1]);
    return fmt::format("unexpected argument{} '{}' (options start with - or --; quote values with spaces)",
                       args.find(' ') == std::string::npos ? "" : "s", args);
  }
  return what;
}

}  // namespace mq::apps

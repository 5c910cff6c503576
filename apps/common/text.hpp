#pragma once
/// Small text helpers shared by the man page and completion renderers.

#include <string>
#include <string_view>
#include <vector>

namespace mq::apps {

/// Splits on newlines; a trailing newline does not add an empty line.
std::vector<std::string> split_lines(std::string_view text);
/// Splits plain text into paragraphs separated by one or more blank lines.
std::vector<std::string> split_paragraphs(std::string_view text);
/// Removes leading and trailing spaces, tabs and newlines.
std::string trim(std::string_view text);
/// Joins `items` with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);
/// The first line of `text`, trimmed: a one-line summary for completion menus.
std::string first_line(std::string_view text);
/// `text` as one single-quoted POSIX shell word ('it'\''s').
std::string shell_quote(std::string_view text);

}  // namespace mq::apps

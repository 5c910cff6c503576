#pragma once
/// Small text helpers shared by the man page and completion renderers, and
/// by the clients' messages for people.

#include <cstdint>
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
/// "1 message", "2 messages": `n` and the noun, plural when n is not 1.
std::string plural(std::uint64_t n, std::string_view noun);
/// `text` safe to write to a terminal: C0 and C1 control characters, DEL and
/// bytes that are not UTF-8 become \xNN (C1 as \u0080..\u009f), so a hostile
/// peer's Reason String cannot move the cursor, retitle or clear the screen.
std::string printable(std::string_view text);

}  // namespace mq::apps

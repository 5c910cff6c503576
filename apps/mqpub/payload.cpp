#include "payload.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "property_options.hpp"

namespace mq::mqpub {

std::optional<std::string> decode_payload(std::string_view text, PayloadText encoding, std::string* error) {
  switch (encoding) {
    case PayloadText::Raw: return std::string(text);
    case PayloadText::Hex: return apps::decode_bytes(text, "hex", error);
    case PayloadText::Base64: return apps::decode_bytes(text, "base64", error);
  }
  return std::nullopt;
}

std::optional<std::string> read_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  return buf.str();
}

std::optional<std::string> read_stdin(std::string* error) {
  std::string all;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(0, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("cannot read stdin: ") + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    all.append(chunk, static_cast<std::size_t>(n));
  }
  return all;
}

void LineSplitter::feed(std::string_view bytes, const std::function<void(std::string&&)>& line) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) break;
    if (partial_.empty()) {
      line(std::string(bytes.substr(start, nl - start)));
    } else {
      partial_.append(bytes.substr(start, nl - start));
      std::string whole;
      whole.swap(partial_);
      line(std::move(whole));
    }
    start = nl + 1;
  }
  partial_.append(bytes.substr(start));
}

std::optional<std::string> LineSplitter::finish() {
  if (partial_.empty()) return std::nullopt;
  std::string rest;
  rest.swap(partial_);
  return rest;
}

}  // namespace mq::mqpub

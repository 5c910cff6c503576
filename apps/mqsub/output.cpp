#include "output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mq::mqsub {

std::string MessagePrinter::render(const MessageView& m, std::string* warning) const {
  std::string out;
  switch (mode_) {
    case Mode::Payload: out = m.message->payload; break;
    case Mode::Verbose:
      out.reserve(m.message->topic.size() + 1 + m.message->payload.size() + 1);
      out += m.message->topic;
      out += ' ';
      out += m.message->payload;
      break;
    case Mode::Format: format_->render(m, out, warning); break;
    case Mode::Json: {
      apps::ReceivedRecord r{m.message, m.packet_id, m.dup, m.received};
      out = apps::message_to_json_line(r, encoding_);
      break;
    }
  }
  if (eol_) out += '\n';
  return out;
}

bool FdWriter::write(const std::string& bytes, std::string* error) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (errno != EPIPE && error) *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace mq::mqsub

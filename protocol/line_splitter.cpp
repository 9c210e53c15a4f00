#include "protocol/line_splitter.hpp"

#include <cstring>

namespace tributary::protocol {

line_splitter::line_splitter(size_t max_line)
    : max_line_(max_line < 1 ? 1 : max_line) {
  // nop
}

void line_splitter::feed(std::string_view bytes) {
  if (err_ || bytes.empty())
    return;
  // Drops consumed bytes before growing, so the buffer stays about one
  // chunk plus one partial line long.
  if (pos_ > 0 && (pos_ == buf_.size() || pos_ >= buf_.size() / 2)) {
    buf_.erase(0, pos_);
    base_ += pos_;
    scanned_ -= pos_;
    pos_ = 0;
  }
  buf_.append(bytes.data(), bytes.size());
  room_.note(buf_);
}

bool line_splitter::next(std::string_view& line) {
  if (err_)
    return false;
  const char* data = buf_.data();
  size_t from = scanned_ > pos_ ? scanned_ : pos_;
  // A line of max_line_ bytes including its newline is the largest allowed.
  size_t limit = pos_ + max_line_;
  size_t stop = buf_.size() < limit ? buf_.size() : limit;
  if (from < stop) {
    auto* nl
        = static_cast<const char*>(std::memchr(data + from, '\n', stop - from));
    if (nl != nullptr) {
      auto idx = static_cast<size_t>(nl - data);
      line = std::string_view{data + pos_, idx - pos_};
      line_offset_ = base_ + pos_;
      ++lines_;
      pos_ = idx + 1;
      scanned_ = pos_;
      return true;
    }
    scanned_ = stop;
  }
  if (buf_.size() - pos_ >= max_line_) {
    err_ = error{ec::line_too_long,
                 "line exceeds " + std::to_string(max_line_) + " bytes",
                 base_ + pos_};
  }
  return false;
}

error line_splitter::finish() {
  if (err_)
    return err_;
  // Lines still complete in the buffer are the caller's to drain first.
  if (pos_ < buf_.size())
    return error{ec::truncated,
                 "stream ends inside a line of "
                     + std::to_string(buf_.size() - pos_) + " bytes",
                 base_ + pos_};
  return {};
}

void line_splitter::reset() {
  buf_.clear();
  pos_ = 0;
  scanned_ = 0;
  base_ = 0;
  line_offset_ = 0;
  lines_ = 0;
  err_ = error{};
}

} // namespace tributary::protocol

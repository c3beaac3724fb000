#include "connectors/csv/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cairn::connectors::csv {
namespace {

class FileInput : public ByteInput {
 public:
  explicit FileInput(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileInput() override { ::close(fd_); }

  // Fills `buffer` completely unless the file ends, so callers see short reads only at the end.
  Result<size_t> Read(char* buffer, size_t size) override {
    size_t total = 0;
    while (total < size) {
      ssize_t n = ::read(fd_, buffer + total, size - total);
      if (n < 0) {
        if (errno == EINTR) continue;
        return UnavailableError("cannot read {}: {}", path_, std::strerror(errno));
      }
      if (n == 0) break;
      total += static_cast<size_t>(n);
    }
    return total;
  }

 private:
  int fd_;
  std::string path_;
};

class FileRangeInput : public ByteInput {
 public:
  FileRangeInput(std::shared_ptr<const FileHandle> file, int64_t offset)
      : file_(std::move(file)), offset_(offset) {}

  Result<size_t> Read(char* buffer, size_t size) override {
    size_t total = 0;
    while (total < size) {
      ssize_t n = ::pread(file_->fd(), buffer + total, size - total, static_cast<off_t>(offset_));
      if (n < 0) {
        if (errno == EINTR) continue;
        return UnavailableError("cannot read {}: {}", file_->path(), std::strerror(errno));
      }
      if (n == 0) break;
      total += static_cast<size_t>(n);
      offset_ += n;
    }
    return total;
  }

 private:
  std::shared_ptr<const FileHandle> file_;
  int64_t offset_;
};

FileSignature SignatureOf(const struct stat& st) {
  FileSignature signature;
  signature.device = static_cast<uint64_t>(st.st_dev);
  signature.inode = static_cast<uint64_t>(st.st_ino);
  signature.size = static_cast<int64_t>(st.st_size);
  signature.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return signature;
}

class StringInput : public ByteInput {
 public:
  StringInput(std::string text, size_t chunk) : text_(std::move(text)), chunk_(chunk) {}

  Result<size_t> Read(char* buffer, size_t size) override {
    size_t n = std::min({size, chunk_, text_.size() - pos_});
    std::memcpy(buffer, text_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string text_;
  size_t chunk_;
  size_t pos_ = 0;
};

// Length of the valid UTF-8 prefix of [p, p + n).
size_t ValidUtf8Prefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlongs
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlongs
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return n;
}

bool IsAscii(const char* p, size_t n) {
  uint64_t bits = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    bits |= word;
  }
  for (; i < n; ++i) bits |= static_cast<unsigned char>(p[i]);
  return (bits & 0x8080808080808080ull) == 0;
}

// Line breaks (LF, CR, CRLF counted once) in [p, p + n).
int64_t CountLineBreaks(const char* p, size_t n) {
  int64_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\n') {
      ++count;
    } else if (p[i] == '\r') {
      ++count;
      if (i + 1 < n && p[i + 1] == '\n') ++i;
    }
  }
  return count;
}

// Index of the first byte in [p, end) that is `delimiter`, '"', CR or LF, or end - p. `special`
// is the same set as a lookup table, for the tail (and for targets without SSE2).
size_t ScanToSpecial(const char* p, const char* end, char delimiter, const uint8_t* special) {
  const char* q = p;
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, quote)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return static_cast<size_t>(q - p) + static_cast<size_t>(__builtin_ctz(mask));
    q += 16;
  }
#else
  (void)delimiter;
#endif
  while (q < end && !special[static_cast<unsigned char>(*q)]) ++q;
  return static_cast<size_t>(q - p);
}

std::string DescribeByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02X}", u);
}

}  // namespace

Result<std::unique_ptr<ByteInput>> OpenFileInput(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) return NotFoundError("{}: no such file", path.string());
    return UnavailableError("cannot open {}: {}", path.string(), std::strerror(error));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<ByteInput>(new FileInput(fd, path.string()));
}

std::unique_ptr<ByteInput> MakeStringInput(std::string text, size_t chunk) {
  return std::make_unique<StringInput>(std::move(text), chunk == 0 ? 1 : chunk);
}

Result<FileSignature> StatFile(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int error = errno;
    if (error == ENOENT) return NotFoundError("{}: no such file", path.string());
    return UnavailableError("cannot stat {}: {}", path.string(), std::strerror(error));
  }
  return SignatureOf(st);
}

Result<std::shared_ptr<const FileHandle>> FileHandle::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) return NotFoundError("{}: no such file", path.string());
    return UnavailableError("cannot open {}: {}", path.string(), std::strerror(error));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int error = errno;
    ::close(fd);
    return UnavailableError("cannot stat {}: {}", path.string(), std::strerror(error));
  }
  return std::shared_ptr<const FileHandle>(new FileHandle(fd, path.string(), SignatureOf(st)));
}

FileHandle::~FileHandle() { ::close(fd_); }

std::unique_ptr<ByteInput> MakeFileRangeInput(std::shared_ptr<const FileHandle> file,
                                              int64_t offset) {
  return std::make_unique<FileRangeInput>(std::move(file), offset);
}

CsvReader::CsvReader(std::unique_ptr<ByteInput> input, std::string name, Options options)
    : input_(std::move(input)), name_(std::move(name)), options_(options) {
  if (options_.buffer_bytes < 16) options_.buffer_bytes = 16;
  consumed_before_buffer_ = options_.start_offset;
  record_start_bytes_ = options_.start_offset;
  line_ = options_.start_line;
  at_input_start_ = options_.start_offset == 0;
  buffer_.reset(new char[options_.buffer_bytes]);
  const auto delimiter = static_cast<unsigned char>(options_.delimiter);
  for (unsigned char c : {static_cast<unsigned char>('"'), static_cast<unsigned char>('\n'),
                          static_cast<unsigned char>('\r')}) {
    unquoted_special_[c] = 1;
    quoted_special_[c] = 1;
  }
  unquoted_special_[delimiter] = 1;
}

Status CsvReader::ErrorAt(int64_t line, size_t column, std::string_view why) const {
  return InvalidArgumentError("{}:{}: column {}: {}", name_, line, column, why);
}

Result<bool> CsvReader::Fail(Status status) {
  status_ = std::move(status);
  data_.clear();
  fields_.clear();
  return status_;
}

bool CsvReader::Fill() {
  if (input_done_) return false;
  consumed_before_buffer_ += static_cast<int64_t>(end_);
  pos_ = end_ = 0;
  // At the start, gather at least three bytes (or all there is) to recognise a byte-order mark.
  do {
    Result<size_t> n = input_->Read(buffer_.get() + end_, options_.buffer_bytes - end_);
    if (!n.ok()) {
      status_ = n.status().WithContext(name_);
      return false;
    }
    if (*n == 0) {
      input_done_ = true;
      break;
    }
    end_ += *n;
  } while (at_input_start_ && end_ < 3);
  if (at_input_start_) {
    at_input_start_ = false;
    if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    if (pos_ == end_) return Fill();  // the buffer held nothing but the mark
  }
  return pos_ < end_;
}

void CsvReader::EndField(bool quoted) {
  fields_.push_back(Field{static_cast<uint32_t>(field_begin_),
                          static_cast<uint32_t>(data_.size() - field_begin_), quoted ? 1u : 0u});
}

Status CsvReader::CheckUtf8() const {
  if (IsAscii(data_.data(), data_.size())) return OkStatus();
  const auto* bytes = reinterpret_cast<const unsigned char*>(data_.data());
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    size_t valid = ValidUtf8Prefix(bytes + f.begin, f.size);
    if (valid == f.size) continue;
    size_t offset = f.begin + valid;
    int64_t line = record_line_ + CountLineBreaks(data_.data(), offset);
    return ErrorAt(line, i + 1,
                   fmt::format("invalid UTF-8 (byte 0x{:02X} at byte {} of the field)",
                               bytes[offset], valid + 1));
  }
  return OkStatus();
}

Result<bool> CsvReader::Next() {
  if (!status_.ok()) return status_;
  data_.clear();
  fields_.clear();
  const char delimiter = options_.delimiter;
  for (;;) {
    if (pos_ == end_) {
      if (state_ != State::kRecordStart && bytes_consumed() - record_start_bytes_ >
                                               static_cast<int64_t>(options_.max_record_bytes)) {
        return Fail(ErrorAt(record_line_, fields_.size() + 1,
                            fmt::format("record longer than {} bytes (an unclosed quote?)",
                                        options_.max_record_bytes)));
      }
      if (!Fill()) {
        if (!status_.ok()) return Fail(status_);
        switch (state_) {
          case State::kRecordStart:
            return false;
          case State::kFieldStart:
          case State::kUnquoted:
            EndField(false);
            break;
          case State::kQuoteSeen:
            EndField(true);
            break;
          case State::kQuoted:
          case State::kQuotedAfterCr:
            return Fail(ErrorAt(field_line_, fields_.size() + 1,
                                "unterminated quoted field (the input ends inside quotes)"));
        }
        state_ = State::kRecordStart;
        Status utf8 = CheckUtf8();
        if (!utf8.ok()) return Fail(std::move(utf8));
        return true;
      }
    }
    const char* buf = buffer_.get();
    switch (state_) {
      case State::kRecordStart: {
        char c = buf[pos_];
        if (skip_lf_) {
          skip_lf_ = false;
          if (c == '\n') {
            ++pos_;
            continue;
          }
        }
        if (c == '\n' || c == '\r') {  // a blank line
          ++pos_;
          ++line_;
          skip_lf_ = c == '\r';
          continue;
        }
        record_line_ = line_;
        record_start_bytes_ = bytes_consumed();
        state_ = State::kFieldStart;
        [[fallthrough]];
      }
      case State::kFieldStart:
        field_begin_ = data_.size();
        if (buf[pos_] == '"') {
          ++pos_;
          field_line_ = line_;
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        size_t p = pos_ + ScanToSpecial(buf + pos_, buf + end_, delimiter, unquoted_special_);
        data_.append(buf + pos_, p - pos_);
        pos_ = p;
        if (p == end_) continue;
        char c = buf[p];
        ++pos_;
        if (c == delimiter) {
          EndField(false);
          state_ = State::kFieldStart;
          continue;
        }
        if (c == '\n' || c == '\r') {
          EndField(false);
          ++line_;
          skip_lf_ = c == '\r';
          state_ = State::kRecordStart;
          Status utf8 = CheckUtf8();
          if (!utf8.ok()) return Fail(std::move(utf8));
          return true;
        }
        return Fail(ErrorAt(line_, fields_.size() + 1,
                            "'\"' inside an unquoted field (quote the whole field and double "
                            "the '\"')"));
      }
      case State::kQuoted: {
        // Passing '"' as the delimiter makes the scan stop at '"', CR and LF only.
        size_t p = pos_ + ScanToSpecial(buf + pos_, buf + end_, '"', quoted_special_);
        data_.append(buf + pos_, p - pos_);
        pos_ = p;
        if (p == end_) continue;
        char c = buf[p];
        ++pos_;
        if (c == '"') {
          state_ = State::kQuoteSeen;
          continue;
        }
        data_.push_back(c);  // a line break inside quotes is data
        ++line_;
        if (c == '\r') state_ = State::kQuotedAfterCr;
        continue;
      }
      case State::kQuotedAfterCr:
        if (buf[pos_] == '\n') {
          data_.push_back('\n');
          ++pos_;
        }
        state_ = State::kQuoted;
        continue;
      case State::kQuoteSeen: {
        char c = buf[pos_];
        if (c == '"') {
          data_.push_back('"');
          ++pos_;
          state_ = State::kQuoted;
          continue;
        }
        if (c == delimiter) {
          ++pos_;
          EndField(true);
          state_ = State::kFieldStart;
          continue;
        }
        if (c == '\n' || c == '\r') {
          ++pos_;
          EndField(true);
          ++line_;
          skip_lf_ = c == '\r';
          state_ = State::kRecordStart;
          Status utf8 = CheckUtf8();
          if (!utf8.ok()) return Fail(std::move(utf8));
          return true;
        }
        return Fail(ErrorAt(line_, fields_.size() + 1,
                            fmt::format("unexpected {} after the closing quote (expected a "
                                        "delimiter or the end of the line)",
                                        DescribeByte(c))));
      }
    }
  }
}

}  // namespace cairn::connectors::csv

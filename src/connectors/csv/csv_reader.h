#pragma once

// A streaming RFC 4180 CSV record reader.
//
// CsvReader pulls bytes from a ByteInput through a fixed-size buffer and yields one record at a
// time; memory is bounded by the buffer plus the largest record (itself capped by
// Options::max_record_bytes), never by the file size.
//
// Accepted syntax (RFC 4180, with the usual relaxations):
//   * fields separated by a one-byte delimiter; records end with LF, CRLF or a lone CR;
//   * a field that starts with '"' is quoted: it ends at the next lone '"', a doubled '""' inside
//     is one '"', and delimiters and line breaks (LF, CR, CRLF) inside it are data;
//   * a UTF-8 byte-order mark at the very start of the input is skipped;
//   * blank lines (a line break right after a line break or at the start) are skipped;
//   * the last record need not end with a line break.
// Rejected with InvalidArgument, message "<name>:<line>: column <n>: <why>" where <line> is the
// 1-based physical line and <n> the 1-based field number:
//   * a character other than a delimiter or line break right after a closing quote;
//   * a '"' inside an unquoted field;
//   * a quoted field still open at the end of the input (line = where the field opened);
//   * a field that is not valid UTF-8 (line = where the offending byte is);
//   * a record longer than Options::max_record_bytes.
// A failing ByteInput::Read is reported as its own Status with the name prefixed.
// After an error the reader is finished: further Next() calls return the same error.
//
// A reader may also start in the middle of a file, on a record boundary it found earlier
// (Options::start_offset / start_line, with an input positioned there): it then reports the same
// lines, offsets and errors as a reader that had read from the start, and skips no byte-order
// mark.
//
// Thread-safety: none; one reader per scan. A FileHandle is immutable and may be shared.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cairn::connectors::csv {

// The byte stream under a reader; the seam that lets tests feed text or failing inputs.
class ByteInput {
 public:
  virtual ~ByteInput() = default;
  // Reads up to `size` bytes into `buffer`. Returns the count, 0 only at end of input, or
  // Unavailable with the reason.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
};

// Opens `path` for reading with POSIX read(2). NotFound when it does not exist, Unavailable when
// it cannot be opened for another reason (the message names the path and errno text).
Result<std::unique_ptr<ByteInput>> OpenFileInput(const std::filesystem::path& path);

// Serves bytes from memory, `chunk` bytes at most per Read (tests use a small chunk to
// exercise records that straddle buffer refills).
std::unique_ptr<ByteInput> MakeStringInput(std::string text, size_t chunk = 1 << 16);

// Identifies one version of a file: a change of any field means the file was modified or
// replaced.
struct FileSignature {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileSignature&) const = default;
};

// The signature of the file at `path` now. NotFound when it does not exist, Unavailable otherwise.
Result<FileSignature> StatFile(const std::filesystem::path& path);

// An open, read-only file descriptor with the signature it had when opened. Closes it on
// destruction. Reads through it (MakeFileRangeInput) use pread(2), so one handle serves any
// number of inputs at different positions.
class FileHandle {
 public:
  // NotFound when `path` does not exist, Unavailable when it cannot be opened or stat'ed.
  static Result<std::shared_ptr<const FileHandle>> Open(const std::filesystem::path& path);
  ~FileHandle();
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  const FileSignature& signature() const { return signature_; }

 private:
  FileHandle(int fd, std::string path, FileSignature signature)
      : fd_(fd), path_(std::move(path)), signature_(signature) {}
  int fd_;
  std::string path_;
  FileSignature signature_;
};

// Reads `file` from byte `offset` on; keeps `file` alive.
std::unique_ptr<ByteInput> MakeFileRangeInput(std::shared_ptr<const FileHandle> file,
                                              int64_t offset);

class CsvReader {
 public:
  struct Options {
    char delimiter = ',';
    size_t buffer_bytes = 64 << 10;
    size_t max_record_bytes = 64 << 20;
    // Where the input starts in the file: its byte offset (a record start found by an earlier
    // reader, or 0) and the physical line there. A byte-order mark is skipped only at offset 0.
    int64_t start_offset = 0;
    int64_t start_line = 1;
  };

  // `name` appears at the start of every error message (usually the file name).
  CsvReader(std::unique_ptr<ByteInput> input, std::string name, Options options);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record: true when one was read, false at end of input, or the error.
  Result<bool> Next();

  // The current record (valid after Next() returned true, until the next call).
  size_t field_count() const { return fields_.size(); }
  std::string_view field(size_t i) const {
    return std::string_view(data_.data() + fields_[i].begin, fields_[i].size);
  }
  // True if the field was written in quotes (a quoted field is never NULL).
  bool quoted(size_t i) const { return fields_[i].quoted != 0; }
  // 1-based physical line on which the current record starts.
  int64_t record_line() const { return record_line_; }
  // Bytes consumed from the input so far (including a skipped byte-order mark).
  int64_t bytes_consumed() const { return consumed_before_buffer_ + static_cast<int64_t>(pos_); }
  // Byte offset in the input (counting from its start, Options::start_offset included) at which
  // the current record starts: a reader started there reads this record first.
  int64_t record_offset() const { return record_start_bytes_; }

  const std::string& name() const { return name_; }

  // An InvalidArgument error located in the current record: "<name>:<line>: column <n>: <why>".
  Status ErrorAt(int64_t line, size_t column, std::string_view why) const;

 private:
  enum class State : uint8_t {
    kRecordStart,
    kFieldStart,
    kUnquoted,
    kQuoted,
    kQuotedAfterCr,
    kQuoteSeen,
  };
  struct Field {
    uint32_t begin;
    uint32_t size;
    uint32_t quoted;
  };

  // Refills the buffer; false at end of input. Sets status_ on a read failure.
  bool Fill();
  void EndField(bool quoted);
  Status CheckUtf8() const;
  Result<bool> Fail(Status status);

  std::unique_ptr<ByteInput> input_;
  std::string name_;
  Options options_;

  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  int64_t consumed_before_buffer_ = 0;
  bool at_input_start_ = true;
  bool input_done_ = false;

  // Lookup tables: nonzero for bytes that end a run in unquoted / quoted state.
  uint8_t unquoted_special_[256] = {};
  uint8_t quoted_special_[256] = {};

  State state_ = State::kRecordStart;
  bool skip_lf_ = false;  // the previous record ended with CR; an LF right after belongs to it
  int64_t line_ = 1;      // physical line at pos_
  int64_t record_line_ = 0;
  int64_t record_start_bytes_ = 0;  // bytes_consumed() where the current record starts
  int64_t field_line_ = 0;          // line where the current field opened
  size_t field_begin_ = 0;
  std::string data_;  // the current record's field bytes, unescaped, back to back
  std::vector<Field> fields_;
  Status status_;  // sticky error
};

}  // namespace cairn::connectors::csv

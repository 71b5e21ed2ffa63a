// Output files that are either complete or absent: written to a temporary
// name in the target's directory and renamed over the target on commit(), so
// a failed or interrupted run never leaves a partial report for CI to read.
// Every failure (open, write, close, rename) throws OutputError naming the
// path and strerror(errno); the command exits 2.
#pragma once
#include <stdexcept>
#include <string>

namespace mhp {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws OutputError "cannot write 'PATH': <strerror(err)>".
[[noreturn]] void throw_output_error(const std::string& path, int err);

class OutputFile {
 public:
  OutputFile() = default;
  // Creates the temporary file at once, so a bad path fails before the run.
  // A target that exists and is not a regular file (a device, a FIFO) is
  // written in place: renaming over /dev/stdout or a pipe would replace it.
  explicit OutputFile(const std::string& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // not committed: the temporary file is removed

  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  void write(const std::string& data);
  // Flushes, closes and renames the temporary file over the target.
  void commit();

 private:
  std::string path_, tmp_;  // tmp_ empty: writing the target in place
  int fd_ = -1;
};

// Unlinks every temporary file not yet committed; async-signal-safe, for a
// signal handler that ends the process.
void remove_output_temporaries();

// Sends std::cout straight to fd 1 (unless it is a terminal), so that
// check_stdout() can name the reason a write failed.
void install_stdout_buffer();
// Flushes std::cout and stdout; throws OutputError ("<stdout>") if any write
// to them failed, e.g. on a full disk or a closed pipe.
void check_stdout();

}  // namespace mhp

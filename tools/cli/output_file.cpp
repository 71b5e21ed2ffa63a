#include "tools/cli/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>

namespace mhp {

namespace {

// Temporary files still open, for the signal handler: an interrupted run
// (Ctrl-C, a CI timeout's SIGTERM) removes them instead of leaving litter.
constexpr int kSlots = 16;
char g_tmp[kSlots][4096];
std::atomic<bool> g_used[kSlots];

extern "C" void remove_temporaries(int sig) {
  remove_output_temporaries();
  signal(sig, SIG_DFL);
  raise(sig);
}

int register_tmp(const std::string& p) {
  static bool installed = false;
  if (!installed) {
    installed = true;
    // Only over the default action: nohup's SIG_IGN stays, and so does the
    // stop handler of `mhpsim run` (stop_signals.cpp), which removes them too.
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (sigaction(s, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) signal(s, remove_temporaries);
    }
  }
  if (p.size() >= sizeof g_tmp[0]) return -1;
  for (int i = 0; i < kSlots; ++i)
    if (!g_used[i].load()) {
      std::memcpy(g_tmp[i], p.c_str(), p.size() + 1);
      g_used[i].store(true);
      return i;
    }
  return -1;
}

void unregister_tmp(const std::string& p) {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load() && p == g_tmp[i]) g_used[i].store(false);
}

}  // namespace

void remove_output_temporaries() {
  for (int i = 0; i < kSlots; ++i)
    if (g_used[i].load()) unlink(g_tmp[i]);  // async-signal-safe
}

void throw_output_error(const std::string& path, int err) {
  throw OutputError("cannot write '" + path + "': " + std::strerror(err ? err : EIO));
}

OutputFile::OutputFile(const std::string& path) : path_(path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw_output_error(path, EISDIR);
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    fd_ = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd_ < 0) throw_output_error(path, errno);
    return;
  }
  std::string t = path + ".tmp.XXXXXX";
  fd_ = mkstemp(t.data());
  if (fd_ < 0) throw_output_error(path, errno);
  tmp_ = t;
  register_tmp(tmp_);
  fchmod(
      fd_, 0666 & ~[] {
        mode_t m = umask(0);
        umask(m);
        return m;
      }());  // as a plain open() would
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) close(fd_);
  if (!tmp_.empty()) {
    unlink(tmp_.c_str());
    unregister_tmp(tmp_);
  }
}

void OutputFile::write(const std::string& data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_output_error(path_, n < 0 ? errno : EIO);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void OutputFile::commit() {
  if (fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) throw_output_error(path_, errno);
  if (tmp_.empty()) return;
  if (rename(tmp_.c_str(), path_.c_str()) != 0) throw_output_error(path_, errno);
  unregister_tmp(tmp_);
  tmp_.clear();
}

namespace {

// std::cout through write(2) on fd 1, keeping the errno of the first failed
// write: behind stdio, a write that failed mid-run leaves only ferror() and
// the reason is gone by the time the run ends.
class StdoutBuf final : public std::streambuf {
 public:
  StdoutBuf() { setp(buf_, buf_ + sizeof buf_); }
  int error() const { return err_; }

 protected:
  int_type overflow(int_type c) override {
    if (drain() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain(); }

 private:
  int drain() {
    const char* p = pbase();
    while (p < pptr() && !err_) {
      ssize_t n = ::write(1, p, std::size_t(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        err_ = n < 0 ? errno : EIO;
      else
        p += n;
    }
    setp(buf_, buf_ + sizeof buf_);  // after a failure the rest is dropped
    return err_ ? -1 : 0;
  }
  char buf_[1 << 16];
  int err_ = 0;
};

StdoutBuf* g_stdout = nullptr;

}  // namespace

void install_stdout_buffer() {
  if (g_stdout || isatty(1)) return;  // a terminal keeps stdio's line buffering
  g_stdout = new StdoutBuf;           // never freed: std::cout flushes it at exit
  std::cout.rdbuf(g_stdout);
}

void check_stdout() {
  std::cout.flush();
  if (g_stdout && g_stdout->error()) throw_output_error("<stdout>", g_stdout->error());
  errno = 0;
  bool bad = !std::cout;
  if (std::fflush(stdout) != 0) bad = true;
  if (std::ferror(stdout)) bad = true;
  if (bad) throw_output_error("<stdout>", errno);
}

}  // namespace mhp

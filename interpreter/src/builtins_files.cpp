// File built-ins: read write append exists readdir mkdir remove. Paths are relative to the
// working directory; every failure is an IOError carrying the system's reason. POSIX calls
// are used directly so the reason (errno) is exact and reading a directory fails cleanly.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy::builtins {

namespace {

// Sandboxed runs (the fuzzer) may not touch the file system at all.
void check_file_access(const Interpreter& interp) {
  if (!interp.options().allow_file_io) throw_error(ErrorKind::IOError, "file access is disabled");
}

[[noreturn]] void io_error(const char* what, const std::string& path, int err) {
  throw_error(ErrorKind::IOError, std::string("cannot ") + what + " '" + path +
                                      "': " + std::system_category().message(err));
}

// The path argument as a C string; a NUL byte inside would silently cut it, so it is refused.
std::string path_arg(Args args, const char* fn) {
  std::string path(string_arg(args, 0, fn)->view());
  if (path.find('\0') != std::string::npos)
    throw_error(ErrorKind::IOError, std::string(fn) + ": the path contains a NUL character");
  return path;
}

// Closes a file descriptor on every way out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string read_checked(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) io_error("read", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) == 0 && S_ISDIR(st.st_mode)) io_error("read", path, EISDIR);
  std::string text;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error("read", path, errno);
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxStringBytes)
      throw_error(ErrorKind::IOError, "cannot read '" + path + "': file is too large");
  }
  return text;
}

void write_checked(const std::string& path, std::string_view text, bool append) {
  const char* what = append ? "append to" : "write";
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  Fd f{::open(path.c_str(), flags, 0644)};
  if (f.fd < 0) io_error(what, path, errno);
  while (!text.empty()) {
    ssize_t n = ::write(f.fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(what, path, errno);
    text.remove_prefix(static_cast<size_t>(n));
  }
  int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) io_error(what, path, errno);
}

Value read(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  return make_string(read_checked(path_arg(args, "read")));
}

Value write(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "write");
  std::string scratch;
  write_checked(path, text_of(arg(args, 1), scratch), false);
  return Value::null();
}

Value append(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "append");
  std::string scratch;
  write_checked(path, text_of(arg(args, 1), scratch), true);
  return Value::null();
}

Value exists(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "exists");
  struct stat st {};
  return Value::boolean(::stat(path.c_str(), &st) == 0);
}

// readdir(path): the bare names of the entries, sorted bytewise, without "." and "..".
Value readdir(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "readdir");
  DIR* dir = ::opendir(path.c_str());
  if (!dir) io_error("read directory", path, errno);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  Value out = make_array();
  for (const std::string& n : names) arr_of(out)->items.push_back(make_string(n));
  return out;
}

Value make_dir(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "mkdir");
  if (::mkdir(path.c_str(), 0777) != 0) io_error("make directory", path, errno);
  return Value::null();
}

// remove(path): a file, or a directory that is empty.
Value remove(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  std::string path = path_arg(args, "remove");
  if (::remove(path.c_str()) != 0) io_error("remove", path, errno);
  return Value::null();
}

void add(GlobalList& out, const char* name, NativeFn fn) {
  out.emplace_back(name, make_native(fn, name));
}

}  // namespace

std::string read_file(const std::string& path) {
  if (path.find('\0') != std::string::npos)
    throw_error(ErrorKind::IOError, "the path contains a NUL character");
  return read_checked(path);
}

void write_file(const std::string& path, std::string_view text, bool append) {
  if (path.find('\0') != std::string::npos)
    throw_error(ErrorKind::IOError, "the path contains a NUL character");
  write_checked(path, text, append);
}

void add_file_globals(GlobalList& out) {
  add(out, "read", read);
  add(out, "write", write);
  add(out, "append", append);
  add(out, "exists", exists);
  add(out, "readdir", readdir);
  add(out, "mkdir", make_dir);
  add(out, "remove", remove);
}

}  // namespace anarchy::builtins

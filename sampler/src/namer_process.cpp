#include "aiprof/sampler/namer_process.hpp"

#include <link.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

extern char** environ;

namespace aiprof::sampler {

namespace {

// The protocol, one line each way:
//   request  "<offset in hex> <module path, or - for the main program>\n"
//   answer   "1\t<name>\t<file>\t<line>\n", or "0\n" when the helper cannot name it.
constexpr const char* kMainProgram = "-";

// The module holding `address`, from the loader's list (the real dl_iterate_phdr: this never
// runs in a handler).
struct ModuleOf {
  uintptr_t address;
  std::string path;  // "" for the main program
  uintptr_t base = 0;
  bool found = false;
};

int find_module(dl_phdr_info* info, size_t, void* data) {
  auto* want = static_cast<ModuleOf*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && want->address >= start && want->address < start + ph.p_memsz) {
      want->path = info->dlpi_name ? info->dlpi_name : "";
      want->base = info->dlpi_addr;
      want->found = true;
      return 1;
    }
  }
  return 0;
}

// The base this process loaded `path` at (the main program for "-").
struct BaseOf {
  std::string path;
  uintptr_t base = 0;
  bool found = false;
};

int find_base(dl_phdr_info* info, size_t, void* data) {
  auto* want = static_cast<BaseOf*>(data);
  const char* name = info->dlpi_name ? info->dlpi_name : "";
  bool main_program = want->path == kMainProgram && name[0] == '\0';
  if (main_program || want->path == name) {
    want->base = info->dlpi_addr;
    want->found = true;
    return 1;
  }
  return 0;
}

// Tabs and newlines would break the answer's line; names never hold them, but be sure.
std::string one_field(std::string text) {
  for (char& c : text)
    if (c == '\t' || c == '\n') c = ' ';
  return text;
}

std::string answer_for(const std::string& request) {
  unsigned long long offset = 0;
  char path[4096];
  if (std::sscanf(request.c_str(), "%llx %4095[^\n]", &offset, path) != 2) return "0\n";
  BaseOf base{path, 0, false};
  dl_iterate_phdr(find_base, &base);
  if (!base.found) return "0\n";
  NativeSymbol symbol = look_up_in_this_process(base.base + static_cast<uintptr_t>(offset));
  if (symbol.name.rfind("0x", 0) == 0) return "0\n";  // unknown here: an address of ours
  return "1\t" + one_field(symbol.name) + "\t" + one_field(symbol.file) + "\t" +
         std::to_string(symbol.line) + "\n";
}

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads one line (without its newline) into `line`; false on end of input, error or timeout
// (timeout_ms < 0: none).
bool read_line(int fd, std::string& buffer, std::string& line, int timeout_ms) {
  for (;;) {
    size_t newline = buffer.find('\n');
    if (newline != std::string::npos) {
      line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      return true;
    }
    if (timeout_ms >= 0) {
      pollfd p{fd, POLLIN, 0};
      int ready = poll(&p, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
    }
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

// The client: one helper per process, started on first use, shared by every Symbolizer.
struct Helper {
  std::mutex mutex;
  std::string executable;
  std::vector<std::string> arguments;
  int answer_timeout_ms = 5000;
  bool enabled = false;
  bool failed = false;  // could not start, died or stopped answering: name in-process
  bool used = false;
  pid_t pid = -1;
  int fd = -1;
  std::string buffer;

  // At exit the helper is not waited for: closing the socket is enough, it reads end of input
  // and exits by itself, and the kernel gives it to init to reap. Waiting cost every --native
  // run ~10 ms here (the helper's exit unmaps what it read, then a poll interval).
  ~Helper() {
    if (fd >= 0) close(fd);
  }

  bool start() {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pair[1], STDOUT_FILENO);
    std::vector<char*> argv{const_cast<char*>(executable.c_str())};
    for (std::string& a : arguments) argv.push_back(a.data());
    argv.push_back(nullptr);
    int error = posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pair[1]);
    if (error != 0) {
      close(pair[0]);
      pid = -1;
      return false;
    }
    fd = pair[0];
    return true;
  }

  // A helper that died or stopped answering: killed and reaped (it exits at once).
  void give_up() {
    failed = true;
    if (fd >= 0) close(fd);
    fd = -1;
    if (pid > 0) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
    }
    pid = -1;
  }

  std::optional<NativeSymbol> ask(uintptr_t address) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!enabled || failed) return std::nullopt;
    ModuleOf module{address, "", 0, false};
    dl_iterate_phdr(find_module, &module);
    if (!module.found) return std::nullopt;
    if (fd < 0 && !start()) {
      failed = true;
      return std::nullopt;
    }
    char request[64];
    std::snprintf(request, sizeof request, "%llx ",
                  static_cast<unsigned long long>(address - module.base));
    std::string line;
    if (!write_all(fd, request + (module.path.empty() ? kMainProgram : module.path) + "\n") ||
        !read_line(fd, buffer, line, answer_timeout_ms)) {
      give_up();
      return std::nullopt;
    }
    if (line.rfind("1\t", 0) != 0) return std::nullopt;
    NativeSymbol symbol;
    size_t name_end = line.find('\t', 2), file_end = line.find('\t', name_end + 1);
    if (name_end == std::string::npos || file_end == std::string::npos) return std::nullopt;
    symbol.name = line.substr(2, name_end - 2);
    symbol.file = line.substr(name_end + 1, file_end - name_end - 1);
    symbol.line = static_cast<uint32_t>(std::strtoul(line.c_str() + file_end + 1, nullptr, 10));
    used = true;
    return symbol;
  }
};

Helper& helper() {
  static Helper instance;
  return instance;
}

}  // namespace

void enable_namer_process(std::string executable, std::vector<std::string> arguments,
                          int answer_timeout_ms) {
  Helper& h = helper();
  std::lock_guard<std::mutex> lock(h.mutex);
  if (h.fd >= 0) h.give_up();  // the previous helper
  h.executable = std::move(executable);
  h.arguments = std::move(arguments);
  h.answer_timeout_ms = answer_timeout_ms;
  h.enabled = true;
  h.failed = false;
  h.buffer.clear();
}

int run_namer_server(int in_fd, int out_fd) {
  // A Ctrl-C reaches the whole process group: the profiler then writes its reports, and still
  // has names to ask for. (The helper ends when the profiler closes its end.)
  signal(SIGINT, SIG_IGN);
  std::string buffer, request;
  while (read_line(in_fd, buffer, request, -1))
    if (!write_all(out_fd, answer_for(request))) return 1;
  return 0;
}

std::optional<NativeSymbol> name_in_helper(uintptr_t address) { return helper().ask(address); }

bool namer_process_used() {
  Helper& h = helper();
  std::lock_guard<std::mutex> lock(h.mutex);
  return h.used;
}

}  // namespace aiprof::sampler

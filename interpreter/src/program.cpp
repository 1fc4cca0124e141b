// Loading a program (the whole import graph), resolving it, initialising modules in order,
// running main, and reporting guest errors as LANGUAGE.md section 6 describes.
#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "impl.hpp"
#include "parser.hpp"
#include "resolver.hpp"

namespace anarchy {

namespace fs = std::filesystem;

constexpr int kExitSyntax = 65;
constexpr int kExitRuntime = 70;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report an interrupted program
constexpr int kExitUsage = 2;

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::SyntaxError: return "SyntaxError";
    case ErrorKind::TypeError: return "TypeError";
    case ErrorKind::RangeError: return "RangeError";
    case ErrorKind::RuntimeError: return "RuntimeError";
    case ErrorKind::IOError: return "IOError";
    case ErrorKind::ImportError: return "ImportError";
  }
  return "Error";
}

void throw_error(ErrorKind kind, std::string message) { throw NativeError{kind, std::move(message)}; }

// ---------------------------------------------------------------- errors

// The guest frames only: built-in and collector frames are for the profiler (a guest traceback
// names the guest code that called a built-in, at the call).
std::vector<TraceEntry> Interpreter::Impl::traceback(uint32_t line, uint32_t column) const {
  using aiprof::instrumentation::FrameKind;
  std::vector<TraceEntry> out;
  uint32_t depth = frames.depth();
  for (uint32_t i = 0; i < depth; ++i) {
    const auto& f = frames.frame(i);
    const auto& info = in.functions().at(f.function_id());
    if (info.kind == FrameKind::Builtin || info.kind == FrameKind::GC) continue;
    out.push_back({info.name, info.file, f.line, f.column});
  }
  if (!out.empty()) {
    out.back().line = line;
    out.back().column = column;
  }
  return out;
}

uint32_t Interpreter::Impl::builtin_frame(const std::string& name) {
  auto [it, inserted] = builtin_frames.emplace(name, 0);
  if (inserted)
    it->second = in.functions_.add(
        {name, "", 0, 0, aiprof::instrumentation::FrameKind::Builtin});
  return it->second;
}

// A bound method (`f = s.split`) is named by its receiver's type, as a method call is.
uint32_t Interpreter::Impl::native_frame(NativeObj* n) {
  if (n->frame_id != kNoFrameId) return n->frame_id;
  std::string name = n->name ? n->name : "<native>";
  switch (n->self.tag()) {
    case Tag::Array: name = "Array." + name; break;
    case Tag::String: name = "String." + name; break;
    case Tag::Number: name = "Number." + name; break;
    default: break;
  }
  return n->frame_id = builtin_frame(name);
}

static Value error_object(ErrorKind kind, const std::string& message, uint32_t line, uint32_t column) {
  Value e = make_object();
  ObjectObj* o = obj_of(e);
  o->is_error = true;
  o->props.set(make_string("message"), make_string(message));
  o->props.set(make_string("type"), make_string(error_kind_name(kind)));
  o->props.set(make_string("line"), Value::number(line));
  o->props.set(make_string("column"), Value::number(column));
  return e;
}

void Interpreter::Impl::raise_at(ErrorKind kind, const std::string& message, uint32_t line,
                                 uint32_t column) {
  throw ScriptError{error_object(kind, message, line, column), traceback(line, column)};
}

void Interpreter::Impl::raise(ErrorKind kind, const std::string& message, const Node* at) {
  if (at) raise_at(kind, message, at->line, at->column);
  if (frames.depth() > 0) raise_at(kind, message, frames.top().line, frames.top().column);
  raise_at(kind, message, 1, 1);
}

// ---------------------------------------------------------------- construction

Interpreter::Impl::Impl(Interpreter& owner) : in(owner), heap(owner.heap_), frames(owner.frames_) {
  Heap::set_current(&heap);
  // Reserved, not touched: pages are committed only as deep as calls really go.
  value_stack_size = size_t{owner.options().max_depth + 64} * 512;
  value_stack.reset(new unsigned char[value_stack_size]);
  if (owner.options().builtin_frames)
    builtin_frame_bits = aiprof::instrumentation::kHookBuiltinFrame;
  heap.set_collector_frame(
      &frames, owner.functions_.add({"<gc>", "", 0, 0, aiprof::instrumentation::FrameKind::GC}));
  auto named = make_globals(owner);
  for (auto& [name, value] : named) {
    global_index.emplace(name, static_cast<uint32_t>(globals.size()));
    globals.push_back(std::move(value));
  }
}

Interpreter::Impl::~Impl() {
  Heap::set_current(&heap);
  heap.set_collector_frame(nullptr, 0);
  ret = Value();
  globals.clear();
  files.clear();
}

// ---------------------------------------------------------------- loading

namespace {

std::string source_line(const std::string& source, uint32_t line) {
  size_t pos = 0;
  for (uint32_t l = 1; l < line && pos != std::string::npos; ++l) {
    pos = source.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos || pos > source.size()) return "";
  size_t end = source.find('\n', pos);
  std::string text = source.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  for (char& c : text)  // keep the terminal sane when the "source" is binary garbage
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) c = '?';
  return text;
}

// Spaces (and the line's own tabs) up to a 1-based character column.
std::string caret_line(const std::string& text, uint32_t column) {
  std::string out;
  uint32_t col = 1;
  for (size_t i = 0; i < text.size() && col < column; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
    ++col;
  }
  while (col++ < column) out += ' ';
  return out + "^";
}

bool read_whole_file(const std::string& path, std::string& out, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    why = "is a directory";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    why = std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

struct Loader {
  Loader(Interpreter::Impl& impl, FILE* err_stream) : I(impl), err(err_stream) {}
  Interpreter::Impl& I;
  FILE* err;
  std::vector<std::string> in_progress;                  // canonical paths, for cycle errors
  std::unordered_map<std::string, size_t> loaded;        // canonical path -> index in files
  std::vector<std::vector<size_t>> imports_of;           // file index -> imported file indexes
  bool syntax_failed = false;
  std::string import_error;                              // first import problem, formatted
  uint32_t import_error_line = 0, import_error_col = 0;
  std::string import_error_file;

  // Parses and recursively loads one file already read; returns its index. The caller opened
  // the file's import span before resolving its path and reading it; it
  // ends here, once the file is parsed (the files it imports get spans of their own).
  size_t load(const std::string& display, const std::string& canonical, std::string source) {
    auto file = std::make_unique<FileNode>();
    file->path = display;
    file->display_path = display;
    file->source = std::move(source);
    std::vector<SyntaxErrorInfo> errors;
    if (!parse_file(*file, errors)) {
      syntax_failed = true;
      for (const auto& e : errors) print_syntax_error(*file, e);
    }
    AIPROF_HOOK(kHookImport, on_import_end(display.c_str()));
    size_t index = I.files.size();
    loaded[canonical] = index;
    I.files.push_back(std::move(file));
    imports_of.emplace_back();
    in_progress.push_back(canonical);
    FileNode& f = *I.files[index];
    for (const ImportNode& imp : f.imports) {
      size_t child = load_import(f, imp);
      if (child != SIZE_MAX) imports_of[index].push_back(child);
    }
    in_progress.pop_back();
    return index;
  }

  // The import span covers resolving the path, reading the file and parsing it; it ends here
  // when the file is not loaded (a cycle, already loaded, unreadable), else in load().
  size_t load_import(const FileNode& from, const ImportNode& imp) {
    fs::path base = fs::path(from.path).parent_path();
    std::string display = (base / imp.path).lexically_normal().string();
    AIPROF_HOOK(kHookImport, on_import_begin(display.c_str()));
    auto not_loaded = [&](size_t result) {
      AIPROF_HOOK(kHookImport, on_import_end(display.c_str()));
      return result;
    };
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(display, ec).string();
    if (ec) canonical = display;
    for (size_t i = 0; i < in_progress.size(); ++i) {
      if (in_progress[i] != canonical) continue;
      std::string chain;
      for (size_t j = i; j < in_progress.size(); ++j) chain += I.files[loaded[in_progress[j]]]->path + " -> ";
      note_import_error(from, imp, "import cycle: " + chain + display);
      return not_loaded(SIZE_MAX);
    }
    auto it = loaded.find(canonical);
    if (it != loaded.end()) return not_loaded(it->second);
    std::string text, why;
    if (!read_whole_file(display, text, why)) {
      note_import_error(from, imp, "cannot import \"" + imp.path + "\": " + why);
      return not_loaded(SIZE_MAX);
    }
    return load(display, canonical, std::move(text));
  }

  void note_import_error(const FileNode& from, const ImportNode& imp, std::string message) {
    if (!import_error.empty()) return;
    import_error = std::move(message);
    import_error_file = from.path;
    import_error_line = imp.line;
    import_error_col = imp.column;
  }

  void print_syntax_error(const FileNode& f, const SyntaxErrorInfo& e) {
    std::string text = source_line(f.source, e.line);
    std::fprintf(err, "%s:%u:%u: SyntaxError: %s\n    %s\n    %s\n", f.path.c_str(), e.line,
                 e.column, e.message.c_str(), text.c_str(), caret_line(text, e.column).c_str());
  }
};

// ---------------------------------------------------------------- running

namespace {

int exit_status_of(const Value& v) {
  if (!v.is_number() || !std::isfinite(v.as_number())) return 0;
  double t = std::trunc(v.as_number());
  double m = std::fmod(t, 256.0);
  if (m < 0) m += 256.0;
  return static_cast<int>(m);
}

const Value* property(const Value& obj, const char* name) {
  Value key = make_string(name);
  return obj_of(obj)->props.find(str_of(key));
}

}  // namespace

// The text of a value for an error report, even when it is too deep or too large to show.
static std::string safe_display(const Value& v) {
  try {
    return to_display(v);
  } catch (const NativeError& e) {
    return std::string("<") + type_name(v) + ": " + e.message + ">";
  }
}

static void report_uncaught(Interpreter::Impl& I, FILE* err, const ScriptError& e) {
  I.in.flush_output();
  std::string file = e.traceback.empty() ? I.files[0]->path : e.traceback.back().file;
  uint32_t line = e.traceback.empty() ? 1 : e.traceback.back().line;
  uint32_t column = e.traceback.empty() ? 1 : e.traceback.back().column;
  std::string head;
  if (e.value.is_object() && obj_of(e.value)->is_error) {
    const Value* type = property(e.value, "type");
    const Value* message = property(e.value, "message");
    const Value* l = property(e.value, "line");
    const Value* c = property(e.value, "column");
    if (l && l->is_number()) line = static_cast<uint32_t>(l->as_number());
    if (c && c->is_number()) column = static_cast<uint32_t>(c->as_number());
    head = (type ? safe_display(*type) : "Error") + ": " + (message ? safe_display(*message) : "");
  } else {
    head = "Uncaught: " + safe_display(e.value);
  }
  std::fprintf(err, "%s:%u:%u: %s\n", file.c_str(), line, column, head.c_str());
  if (!e.traceback.empty()) {
    std::fprintf(err, "Traceback (innermost last):\n");
    for (const auto& t : e.traceback)
      std::fprintf(err, "  %s:%u:%u: in %s\n", t.file.c_str(), t.line, t.column, t.function.c_str());
  }
}

static void init_module_variables(Interpreter::Impl& I, size_t file, std::vector<bool>& done,
                                  const Loader& loader, std::vector<std::vector<Value>>& modules) {
  if (done[file]) return;
  done[file] = true;
  for (size_t child : loader.imports_of[file]) init_module_variables(I, child, done, loader, modules);
  const FileNode& f = *I.files[file];
  for (size_t m = 0; m < f.modules.size(); ++m) {
    const ModuleNode* node = f.modules[m];
    if (node->variables.empty()) continue;
    auto* mod = modules[file][m].as<ModuleObj>();
    I.frames.push(node->init_function_id, node->line, node->column);
    AIPROF_HOOK(kHookModule, on_module_enter(node->init_function_id));
    Env* saved = I.env;
    I.env = mod->env;
    struct Restore {
      Interpreter::Impl& I;
      Env* saved;
      uint32_t id;
      ~Restore() {
        I.env = saved;
        AIPROF_HOOK(kHookModule, on_module_exit(id));
        I.frames.pop();
      }
    } restore{I, saved, node->init_function_id};
    for (const ModuleVar& v : node->variables) mod->env->slots()[v.slot] = I.eval(v.init);
  }
}

int Interpreter::Impl::run(const std::string& path, const std::string* given_source) {
  FILE* err = in.options().err;
  std::string source;
  // The main file's import span, like an imported one's, covers reading it (load() ends it).
  AIPROF_HOOK(kHookImport, on_import_begin(path.c_str()));
  if (given_source) {
    source = *given_source;
  } else {
    std::string why;
    if (!read_whole_file(path, source, why)) {
      AIPROF_HOOK(kHookImport, on_import_end(path.c_str()));
      std::fprintf(err, "anarchy: cannot read '%s': %s\n", path.c_str(), why.c_str());
      return kExitUsage;
    }
  }
  Loader loader{*this, err};
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  loader.load(path, ec ? path : canonical, std::move(source));
  if (loader.syntax_failed) return kExitSyntax;
  if (!loader.import_error.empty()) {
    std::fprintf(err, "%s:%u:%u: ImportError: %s\n", loader.import_error_file.c_str(),
                 loader.import_error_line, loader.import_error_col, loader.import_error.c_str());
    return kExitRuntime;
  }
  // Resolve each file against the module names it sees: its own, then its imports'.
  ResolveContext ctx{&global_index, &in.functions_, &variable_names};
  for (size_t i = 0; i < files.size(); ++i) {
    std::vector<std::string> scope;
    for (const ModuleNode* m : files[i]->modules) scope.push_back(m->name);
    for (size_t child : loader.imports_of[i])
      for (const ModuleNode* m : files[child]->modules) scope.push_back(m->name);
    resolve_file(*files[i], scope, ctx);
  }
  // Environments: one per module (its members), one per file (the module names it sees).
  std::vector<std::vector<Value>> modules(files.size());
  std::vector<Env*> file_envs(files.size());
  struct DropEnvs {
    std::vector<Env*>& envs;
    ~DropEnvs() { for (Env* e : envs) if (e) decref(e); }
  } drop{file_envs};
  for (size_t i = 0; i < files.size(); ++i) {
    size_t names = files[i]->modules.size();
    for (size_t child : loader.imports_of[i]) names += files[child]->modules.size();
    file_envs[i] = make_env(nullptr, static_cast<uint32_t>(names));
    for (const ModuleNode* m : files[i]->modules) {
      Env* menv = make_env(file_envs[i], static_cast<uint32_t>(m->member_names.size()));
      modules[i].push_back(make_module(m, menv));
      decref(menv);
      for (size_t f = 0; f < m->functions.size(); ++f) {
        Value fn = make_function(m->functions[f], menv);
        // functions take the first member slots, in order (see the resolver)
        for (size_t s = 0; s < m->member_names.size(); ++s)
          if (m->member_names[s] == m->functions[f]->name) { menv->slots()[s] = fn; break; }
      }
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    uint32_t slot = 0;
    for (auto& mod : modules[i]) file_envs[i]->slots()[slot++] = mod;
    for (size_t child : loader.imports_of[i])
      for (auto& mod : modules[child]) file_envs[i]->slots()[slot++] = mod;
  }
  try {
    std::vector<bool> done(files.size(), false);
    init_module_variables(*this, 0, done, loader, modules);
    const FileNode& main_file = *files[0];
    const ModuleNode* first = main_file.modules[0];
    const FunctionNode* main_fn = nullptr;
    size_t main_slot = 0;
    for (size_t s = 0; s < first->member_names.size(); ++s)
      if (first->member_names[s] == "main") { main_slot = s; break; }
    for (const FunctionNode* f : first->functions)
      if (f->name == "main") main_fn = f;
    if (!main_fn) {
      in.flush_output();
      std::fprintf(err, "%s:%u:%u: RuntimeError: module '%s' has no main() function\n",
                   main_file.path.c_str(), first->line, first->column, first->name.c_str());
      return kExitRuntime;
    }
    Value fn = modules[0][0].as<ModuleObj>()->env->slots()[main_slot];
    Value result;
    if (main_fn->params.empty()) {
      result = call_value(fn, nullptr, 0, nullptr);
    } else {
      Value args = make_array();
      for (const auto& a : in.options().args) arr_of(args)->items.push_back(make_string(a));
      result = call_value(fn, &args, 1, nullptr);
    }
    in.flush_output();
    return exit_status_of(result);
  } catch (ScriptError& e) {
    forget_unwound_stack();
    report_uncaught(*this, err, e);
    return kExitRuntime;
  } catch (const std::bad_alloc&) {
    in.flush_output();
    std::fprintf(err, "%s: RuntimeError: out of memory\n", files[0]->path.c_str());
    return kExitRuntime;
  }
}

// ---------------------------------------------------------------- Interpreter

Interpreter::Interpreter(RunOptions options)
    : options_(std::move(options)),
      frames_(options_.max_depth + 64),
      rng_(options_.seed) {
  Heap::set_current(&heap_);
  impl_ = std::make_unique<Impl>(*this);
  impl_->step_limited = options_.step_budget != 0;
  impl_->budget = options_.step_budget;
  impl_->interrupt = options_.interrupt;
  impl_->budget_limited.store(impl_->step_limited, std::memory_order_relaxed);
  if (impl_->interrupt && !impl_->step_limited) impl_->attention = impl_->interrupt;
}

Interpreter::~Interpreter() {
  Heap::set_current(&heap_);
  impl_.reset();
  dict_.clear();
}

// The lowest address of this thread's stack and a limit a margin above it.
static void native_stack_bounds(const char** low, const char** limit) {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  *low = *limit = nullptr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  size_t margin = std::min<size_t>(size / 4, 512 * 1024);
  *low = static_cast<const char*>(addr);
  *limit = *low + margin;
}

void Interpreter::Impl::forget_unwound_stack() const {
#if defined(__SANITIZE_ADDRESS__)
  char here;
  if (stack_low && &here > stack_low) ASAN_UNPOISON_MEMORY_REGION(stack_low, &here - stack_low - 256);
#endif
}

// Runs a program (source null: read from path) to its exit status, whatever stopped it.
int Interpreter::run_program(const std::string& path, const std::string* source) {
  Heap::set_current(&heap_);
  native_stack_bounds(&impl_->stack_low, &impl_->stack_limit);
  int status;
  try {
    status = impl_->run(path, source);
  } catch (const BudgetExhausted&) {
    flush_output();
    std::fprintf(options_.err, "%s: RuntimeError: step budget exhausted\n", path.c_str());
    status = kExitRuntime;
  } catch (const Interrupted&) {
    flush_output();
    std::fprintf(options_.err, "%s: interrupted\n", path.c_str());
    status = kExitInterrupted;
  }
  flush_output();
  return status;
}

int Interpreter::run_file(const std::string& path) { return run_program(path, nullptr); }

int Interpreter::run_source(std::string_view source, const std::string& path) {
  std::string text(source);
  return run_program(path, &text);
}

const std::vector<std::string>& Interpreter::variable_names() const { return impl_->variable_names; }

Value Interpreter::call(const Value& fn, Args args) {
  return impl_->call_value(fn, args.data(), args.size(), nullptr);
}

Value Interpreter::call_callback(const Value& fn, Args args) {
  size_t n = args.size();
  if (fn.tag() == Tag::Function) n = std::min(n, fn.as<FuncObj>()->node->params.size());
  return impl_->call_value(fn, args.data(), n, nullptr);
}

void Interpreter::write_output(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), options_.out);
}

void Interpreter::flush_output() { std::fflush(options_.out); }

// ---------------------------------------------------------------- large stack

namespace {
struct ThreadCall {
  int (*fn)(void*);
  void* arg;
  int result;
};
void* thread_main(void* p) {
  auto* c = static_cast<ThreadCall*>(p);
  c->result = c->fn(c->arg);
  return nullptr;
}
}  // namespace

// AddressSanitizer cleans up after an exception only when it unwinds less than 64 MiB of
// stack (larger unwinds leave false reports behind), so sanitizer builds keep the stack below
// that; there the native-stack guard, not --max-depth, may be what stops deep recursion.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kMaxStackBytes = size_t{56} << 20;
#else
constexpr size_t kMaxStackBytes = size_t{16} << 30;
#endif

int run_with_large_stack(uint32_t max_depth, int (*fn)(void*), void* arg) {
  // Generous per guest frame (sanitizer builds use several times the release frame size);
  // the memory is only reserved, and touched only as deep as the program really goes.
  size_t bytes = size_t{max_depth} * 48 * 1024 + (64u << 20);
  bytes = std::min(bytes, kMaxStackBytes);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  ThreadCall call{fn, arg, 0};
  pthread_t thread;
  if (pthread_attr_setstacksize(&attr, bytes) != 0 ||
      pthread_create(&thread, &attr, thread_main, &call) != 0) {
    pthread_attr_destroy(&attr);
    return fn(arg);  // fall back to this thread; the stack check still stops runaway depth
  }
  pthread_attr_destroy(&attr);
  pthread_join(thread, nullptr);
  return call.result;
}

}  // namespace anarchy

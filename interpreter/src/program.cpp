// Running a program: load the import graph (loader.cpp), resolve and link it, initialise
// modules in order, run main; guest errors become values (run_result.hpp) whose reports
// follow LANGUAGE.md section 6.
#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include <cmath>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "anarchy/interpreter/builtins.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "impl.hpp"
#include "loader.hpp"
#include "resolver.hpp"

namespace anarchy {

namespace fs = std::filesystem;

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
    out.push_back({info.name, info.file, f.line(), f.column()});
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
  if (frames.depth() > 0) raise_at(kind, message, frames.top().line(), frames.top().column());
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

// The report of an uncaught guest throw: where, what, and the guest frames it crossed.
static std::string format_uncaught(const Interpreter::Impl& I, const ScriptError& e) {
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
  std::string out = fmt::format("{}:{}:{}: {}\n", upto_nul(file), line, column, upto_nul(head));
  if (!e.traceback.empty()) {
    out += "Traceback (innermost last):\n";
    for (const auto& t : e.traceback)
      out += fmt::format("  {}:{}:{}: in {}\n", upto_nul(t.file), t.line, t.column,
                         upto_nul(t.function));
  }
  return out;
}

static RunResult runtime_error(std::string report) {
  return RunResult{0, GuestError{GuestErrorKind::Runtime, std::move(report)}};
}

static void init_module_variables(Interpreter::Impl& I, size_t file, std::vector<bool>& done,
                                  const Loader& loader, std::vector<std::vector<Value>>& modules) {
  if (done[file]) return;
  done[file] = true;
  for (size_t child : loader.imports_of()[file])
    init_module_variables(I, child, done, loader, modules);
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

// Reads the main file (unless its source was given) and loads the import graph: the syntax or
// import error that stops the program, if any.
static std::optional<GuestError> load_program(Loader& loader, const std::string& path,
                                              const std::string* given_source) {
  std::string source;
  // The main file's import span, like an imported one's, covers reading it (load() ends it).
  AIPROF_HOOK(kHookImport, on_import_begin(path.c_str()));
  if (given_source) {
    source = *given_source;
  } else {
    std::string why;
    if (!read_whole_file(path, source, why)) {
      AIPROF_HOOK(kHookImport, on_import_end(path.c_str()));
      return GuestError{GuestErrorKind::Unreadable,
                        fmt::format("anarchy: cannot read '{}': {}\n", upto_nul(path), why)};
    }
  }
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  loader.load(path, ec ? path : canonical, std::move(source));
  if (loader.syntax_failed()) return GuestError{GuestErrorKind::Syntax, loader.syntax_errors()};
  if (!loader.import_error().empty())
    return GuestError{GuestErrorKind::Import, loader.import_error()};
  return std::nullopt;
}

namespace {

// The linked program: one environment per module (its members), one per file (the module
// names it sees). The file environments are released with it.
struct Linked {
  std::vector<std::vector<Value>> modules;  // per file, its modules' values
  std::vector<Env*> file_envs;
  Linked() = default;
  Linked(const Linked&) = delete;
  Linked& operator=(const Linked&) = delete;
  ~Linked() {
    for (Env* e : file_envs)
      if (e) decref(e);
  }
};

}  // namespace

static void link_modules(const std::vector<std::unique_ptr<FileNode>>& files,
                         const std::vector<std::vector<size_t>>& imports_of, Linked& linked) {
  linked.modules.resize(files.size());
  linked.file_envs.resize(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    size_t names = files[i]->modules.size();
    for (size_t child : imports_of[i]) names += files[child]->modules.size();
    linked.file_envs[i] = make_env(nullptr, static_cast<uint32_t>(names));
    for (const ModuleNode* m : files[i]->modules) {
      Env* menv = make_env(linked.file_envs[i], static_cast<uint32_t>(m->member_names.size()));
      linked.modules[i].push_back(make_module(m, menv));
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
    for (auto& mod : linked.modules[i]) linked.file_envs[i]->slots()[slot++] = mod;
    for (size_t child : imports_of[i])
      for (auto& mod : linked.modules[child]) linked.file_envs[i]->slots()[slot++] = mod;
  }
}

// Initialises the modules' variables, then calls the main file's first module's main().
static RunResult run_main(Interpreter::Impl& I, const Loader& loader, Linked& linked) {
  try {
    std::vector<bool> done(I.files.size(), false);
    init_module_variables(I, 0, done, loader, linked.modules);
    const FileNode& main_file = *I.files[0];
    const ModuleNode* first = main_file.modules[0];
    const FunctionNode* main_fn = nullptr;
    size_t main_slot = 0;
    for (size_t s = 0; s < first->member_names.size(); ++s)
      if (first->member_names[s] == "main") { main_slot = s; break; }
    for (const FunctionNode* f : first->functions)
      if (f->name == "main") main_fn = f;
    if (!main_fn)
      return runtime_error(fmt::format("{}:{}:{}: RuntimeError: module '{}' has no main() function\n",
                                       upto_nul(main_file.path), first->line, first->column,
                                       upto_nul(first->name)));
    Value fn = linked.modules[0][0].as<ModuleObj>()->env->slots()[main_slot];
    Value result;
    if (main_fn->params.empty()) {
      result = I.call_value(fn, nullptr, 0, nullptr);
    } else {
      Value args = make_array();
      for (const auto& a : I.in.options().args) arr_of(args)->items.push_back(make_string(a));
      result = I.call_value(fn, &args, 1, nullptr);
    }
    return RunResult{exit_status_of(result), std::nullopt};
  } catch (ScriptError& e) {
    I.forget_unwound_stack();
    return runtime_error(format_uncaught(I, e));
  } catch (const std::bad_alloc&) {
    return runtime_error(
        fmt::format("{}: RuntimeError: out of memory\n", upto_nul(I.files[0]->path)));
  }
}

RunResult Interpreter::Impl::run(const std::string& path, const std::string* given_source) {
  Loader loader{*this};
  if (std::optional<GuestError> error = load_program(loader, path, given_source))
    return RunResult{0, std::move(error)};
  // Resolve each file against the module names it sees: its own, then its imports'.
  ResolveContext ctx{&global_index, &in.functions_, &variable_names};
  for (size_t i = 0; i < files.size(); ++i) {
    std::vector<std::string> scope;
    for (const ModuleNode* m : files[i]->modules) scope.push_back(m->name);
    for (size_t child : loader.imports_of()[i])
      for (const ModuleNode* m : files[child]->modules) scope.push_back(m->name);
    resolve_file(*files[i], scope, ctx);
  }
  Linked linked;
  link_modules(files, loader.imports_of(), linked);
  return run_main(*this, loader, linked);
}

int exit_status(const RunResult& result) {
  if (!result.error) return result.main_status;
  switch (result.error->kind) {
    case GuestErrorKind::Unreadable: return kExitUsage;
    case GuestErrorKind::Syntax: return kExitSyntax;
    case GuestErrorKind::Import:
    case GuestErrorKind::Runtime: return kExitRuntime;
    case GuestErrorKind::Interrupted: return kExitInterrupted;
  }
  return kExitRuntime;
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

// Runs a program (source null: read from path) to main's status or the guest error that
// stopped it, whatever stopped it.
RunResult Interpreter::run_program(const std::string& path, const std::string* source) {
  Heap::set_current(&heap_);
  heap_.sync_hooks();  // observers attach between runs (hooks.hpp)
  native_stack_bounds(&impl_->stack_low, &impl_->stack_limit);
  RunResult result;
  try {
    result = impl_->run(path, source);
  } catch (const BudgetExhausted&) {
    result = RunResult{0, GuestError{GuestErrorKind::Runtime,
                                     fmt::format("{}: RuntimeError: step budget exhausted\n",
                                                 upto_nul(path))}};
  } catch (const Interrupted&) {
    result = RunResult{0, GuestError{GuestErrorKind::Interrupted,
                                     fmt::format("{}: interrupted\n", upto_nul(path))}};
  }
  flush_output();
  return result;
}

RunResult Interpreter::execute_file(const std::string& path) { return run_program(path, nullptr); }

RunResult Interpreter::execute_source(std::string_view source, const std::string& path) {
  std::string text(source);
  return run_program(path, &text);
}

int Interpreter::report_and_status(const RunResult& result) {
  if (result.error) {
    const std::string& report = result.error->report;
    std::fwrite(report.data(), 1, report.size(), options_.err);
  }
  return exit_status(result);
}

int Interpreter::run_file(const std::string& path) { return report_and_status(execute_file(path)); }

int Interpreter::run_source(std::string_view source, const std::string& path) {
  return report_and_status(execute_source(source, path));
}

const std::vector<std::string>& Interpreter::variable_names() const { return impl_->variable_names; }

const std::vector<aiprof::instrumentation::CountSite>& Interpreter::count_sites() const {
  return impl_->count_sites;
}

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

}  // namespace anarchy

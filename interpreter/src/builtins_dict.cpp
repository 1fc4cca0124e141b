// The `dict` namespace of LANGUAGE.md section 7: set get use load save over the interpreter's
// StringDictionary. Keys are strings (numbers are taken as their text); stored texts are
// always strings (other values are stored as their str() text). `:key` itself is evaluated by
// the evaluator, not here.
#include <string>

#include "anarchy/interpreter/string_dict.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy::builtins {

namespace {

// Operation codes reported to the profiler's on_dictionary hook.
enum DictOp : uint16_t { kDictGet = 0, kDictSet = 1, kDictUse = 2, kDictLoad = 3, kDictSave = 4 };

std::string key_text(const Value& v, const char* fn) {
  return std::string(str_of(key_value(v, fn))->view());
}

Value as_text_value(const Value& v) { return v.is_string() ? v : make_string(to_display(v)); }

Value set(Interpreter& interp, const Value&, Args args) {
  AIPROF_HOOK(kHookDictionary, on_dictionary(kDictSet));
  interp.dictionary().set(key_text(arg(args, 0), "dict.set"), as_text_value(arg(args, 1)));
  return Value::null();
}

// dict.get(key): the text, or null when the key is missing (unlike `:key`, which throws).
Value get(Interpreter& interp, const Value&, Args args) {
  AIPROF_HOOK(kHookDictionary, on_dictionary(kDictGet));
  const Value* v = interp.dictionary().get(key_text(arg(args, 0), "dict.get"));
  return v ? *v : Value::null();
}

Value use(Interpreter& interp, const Value&, Args args) {
  AIPROF_HOOK(kHookDictionary, on_dictionary(kDictUse));
  interp.dictionary().use(std::string(string_arg(args, 0, "dict.use")->view()));
  return Value::null();
}

// dict.load(path): merges a JSON object of key -> text into the active dictionary. A missing
// or unreadable file is an IOError, bad JSON a SyntaxError, and JSON other than an object a
// TypeError.
// dict.load / dict.save touch files: sandboxed runs (the fuzzer) may not.
void check_file_access(const Interpreter& interp) {
  if (!interp.options().allow_file_io) throw_error(ErrorKind::IOError, "file access is disabled");
}

Value load(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  AIPROF_HOOK(kHookDictionary, on_dictionary(kDictLoad));
  std::string path(string_arg(args, 0, "dict.load")->view());
  Value data = json_parse(read_file(path));
  if (!data.is_object()) type_error("dict.load: '" + path + "' does not hold a JSON object");
  for (const auto& e : obj_of(data)->props.entries())
    interp.dictionary().set(std::string(str_of(e.key)->view()), as_text_value(e.value));
  return Value::null();
}

// dict.save(path): the active dictionary as one JSON object (keys sorted), 2-space indented.
Value save(Interpreter& interp, const Value&, Args args) {
  check_file_access(interp);
  AIPROF_HOOK(kHookDictionary, on_dictionary(kDictSave));
  std::string path(string_arg(args, 0, "dict.save")->view());
  Value object = make_object();
  for (const auto& [key, text] : interp.dictionary().active())
    obj_of(object)->props.set(make_string(key), text);
  std::string json;
  json_stringify(object, "  ", json);
  json.push_back('\n');
  write_file(path, json, false);
  return Value::null();
}

}  // namespace

void add_dict_globals(GlobalList& out) {
  Value dict = make_object();
  add_native(dict, "set", set, "dict.set");
  add_native(dict, "get", get, "dict.get");
  add_native(dict, "use", use, "dict.use");
  add_native(dict, "load", load, "dict.load");
  add_native(dict, "save", save, "dict.save");
  out.emplace_back("dict", std::move(dict));
}

}  // namespace anarchy::builtins

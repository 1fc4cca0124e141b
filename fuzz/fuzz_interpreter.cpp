// libFuzzer target: arbitrary bytes through the lexer, parser, resolver and evaluator.
//
// A step budget makes every loop end, a small depth limit keeps recursion cheap, file access is
// off (the fuzzer must not write or delete files), and output goes to /dev/null. Any crash,
// sanitizer report or leak is a bug: no input may crash the interpreter.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "anarchy/interpreter/interpreter.hpp"

namespace {

struct Input {
  std::string_view source;
  int status;
};

FILE* null_stream() {
  static FILE* f = std::fopen("/dev/null", "w+");
  return f;
}

int run(void* p) {
  auto* in = static_cast<Input*>(p);
  anarchy::RunOptions options;
  options.max_depth = 200;
  options.step_budget = 20000;
  options.allow_file_io = false;
  options.out = null_stream();
  options.err = null_stream();
  options.in = null_stream();
  anarchy::Interpreter interp(options);
  return interp.run_source(in->source, "fuzz.ai");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{std::string_view(reinterpret_cast<const char*>(data), size), 0};
  in.status = anarchy::run_with_large_stack(200, run, &in);
  // Only the documented statuses may come back: main's value (0-255) never exceeds them.
  if (in.status < 0 || in.status > 255) __builtin_trap();
  return 0;
}

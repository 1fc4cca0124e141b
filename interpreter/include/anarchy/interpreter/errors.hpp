// Guest-visible errors. A runtime error is a guest value (an error object with message, type,
// line, column) carried by a C++ exception; guest `throw` is rare, so exceptions are fine here.
// Nothing here is async-signal-safe.
#pragma once

#include <string>
#include <vector>

#include "anarchy/interpreter/value.hpp"

namespace anarchy {

enum class ErrorKind { SyntaxError, TypeError, RangeError, RuntimeError, IOError, ImportError };

const char* error_kind_name(ErrorKind kind);

// Thrown by built-ins (which do not know where they were called from); the evaluator catches it
// at the native call site and turns it into a ScriptError located at the callee.
struct NativeError {
  ErrorKind kind;
  std::string message;
};

[[noreturn]] void throw_error(ErrorKind kind, std::string message);

// One line of a guest traceback: the function and where it stood.
struct TraceEntry {
  std::string function;  // qualified name, e.g. "m.fib"
  std::string file;
  uint32_t line;
  uint32_t column;
};

// A guest exception in flight: an error object (ObjectObj with is_error) or any thrown value.
struct ScriptError {
  Value value;
  std::vector<TraceEntry> traceback;  // outermost first; filled when the error is raised
};

}  // namespace anarchy

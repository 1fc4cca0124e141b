// What the interpreter tells a native-stack reader about its own frames. Pure and
// async-signal-safe (no allocation), though callers use it after the run, when naming frames.
#pragma once

#include <string_view>

namespace anarchy {

// Whether a native symbol is one of the evaluator's functions: the boundary a guest frame's
// native stack is cut at (report::SampleNaming::is_boundary), so beneath a guest frame only
// the native frames it called remain, not the interpreter's own recursion.
bool is_evaluator_frame(std::string_view native_symbol);

}  // namespace anarchy

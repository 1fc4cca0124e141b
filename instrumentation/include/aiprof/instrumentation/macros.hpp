// profile_block / profile_fn: the design document's macros, for native code.
//
//   void load(Profiler& p) {
//     AIPROF_PROFILE_FN(p);                       // a Function span named after load()
//     { AIPROF_PROFILE_BLOCK(p, "parse", SpanType::Custom); parse(); }
//   }
//
// Each declares a static SpanSite (name, type, file, line: its address is the span key, so no
// string is touched at run time) and a SpanGuard that ends the span at the end of the scope.
// With the build option AIPROF_PROFILING=OFF (AIPROF_ENABLE_PROFILING=0) they expand to
// nothing and their arguments are not evaluated. The lower-case spellings of the design
// document are defined too unless AIPROF_NO_SHORT_MACROS is defined.
#pragma once

#ifndef AIPROF_ENABLE_PROFILING
#define AIPROF_ENABLE_PROFILING 1
#endif

#if AIPROF_ENABLE_PROFILING
#include "aiprof/instrumentation/profiler.hpp"

#define AIPROF_CONCAT_INNER(a, b) a##b
#define AIPROF_CONCAT(a, b) AIPROF_CONCAT_INNER(a, b)

#define AIPROF_PROFILE_BLOCK(profiler, name, type)                                        \
  static const ::aiprof::instrumentation::SpanSite AIPROF_CONCAT(aiprof_site_, __LINE__){ \
      name, type, __FILE__, __LINE__};                                                    \
  ::aiprof::instrumentation::SpanGuard AIPROF_CONCAT(aiprof_guard_, __LINE__) =           \
      (profiler).start_span(AIPROF_CONCAT(aiprof_site_, __LINE__))

#define AIPROF_PROFILE_FN(profiler) \
  AIPROF_PROFILE_BLOCK(profiler, __func__, ::aiprof::instrumentation::SpanType::Function)
#else
#define AIPROF_PROFILE_BLOCK(profiler, name, type) static_cast<void>(0)
#define AIPROF_PROFILE_FN(profiler) static_cast<void>(0)
#endif

#ifndef AIPROF_NO_SHORT_MACROS
#define profile_block(profiler, name, type) AIPROF_PROFILE_BLOCK(profiler, name, type)
#define profile_fn(profiler) AIPROF_PROFILE_FN(profiler)
#endif

#include "aiprof/instrumentation/hooks.hpp"

namespace aiprof::instrumentation {

InterpreterObserver* g_observer = nullptr;
uint32_t g_hook_mask = 0;

}  // namespace aiprof::instrumentation

#include "aiprof/instrumentation/hooks.hpp"

#include "aiprof/instrumentation/inline_sink.hpp"

namespace aiprof::instrumentation {

InterpreterObserver* g_observer = nullptr;
uint32_t g_hook_mask = 0;
InlineSink g_inline;

void attach_observer(InterpreterObserver* observer, uint32_t mask) {
  g_inline = InlineSink();
  g_observer = observer;
  g_hook_mask = observer ? mask : 0;
}

}  // namespace aiprof::instrumentation

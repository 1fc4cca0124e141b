// run_with_large_stack (interpreter.hpp): fn on a thread whose native stack fits max_depth
// guest frames.
#include <pthread.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "anarchy/interpreter/interpreter.hpp"

namespace anarchy {

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

// AddressSanitizer cleans up after an exception only when it unwinds less than 64 MiB of
// stack (larger unwinds leave false reports behind), so sanitizer builds keep the stack below
// that; there the native-stack guard, not --max-depth, may be what stops deep recursion.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kMaxStackBytes = size_t{56} << 20;
#else
constexpr size_t kMaxStackBytes = size_t{16} << 30;
#endif

}  // namespace

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

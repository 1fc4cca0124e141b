// Which dl_iterate_phdr and sigprocmask a program linking the installed sampler gets, and that
// natively sampling it works either way.
//
//   probe libc|self
// Samples its own thread with native frames for 0.3 s of CPU time, then prints where the
// process's dl_iterate_phdr and sigprocmask are defined ("libc" or "self": the program) and the
// sample counts. Exits 1 when a definition is not where the argument says, or no sample was
// taken; 2 on a usage error.
#include <aiprof/instrumentation/frame_stack.hpp>
#include <aiprof/sampler/sampler.hpp>

#include <dlfcn.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// "self" when the process's definition of `symbol` is in this program, "libc" when in libc.
std::string defined_in(const char* symbol) {
  Dl_info self{}, found{};
  void* address = dlsym(RTLD_DEFAULT, symbol);
  if (!address || !dladdr(address, &found)) return "nowhere";
  if (!dladdr(reinterpret_cast<void*>(&thread_cpu_ns), &self)) return "unknown";
  if (found.dli_fbase == self.dli_fbase) return "self";
  if (found.dli_fname && std::strstr(found.dli_fname, "libc.so")) return "libc";
  return found.dli_fname ? found.dli_fname : "unknown";
}

__attribute__((noinline)) uint64_t churn(uint64_t x) {
  volatile uint64_t v = x;
  for (int i = 0; i < 20000; ++i) v = v * 2862933555777941757ull + 3037000493ull;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || (std::strcmp(argv[1], "libc") != 0 && std::strcmp(argv[1], "self") != 0)) {
    std::fprintf(stderr, "usage: probe libc|self\n");
    return 2;
  }
  aiprof::sampler::SamplerConfig config;
  config.delivery = aiprof::sampler::Delivery::Signal;
  config.native = true;
  config.rate_hz = 1000;
  aiprof::sampler::Sampler sampler(config);
  aiprof::instrumentation::FrameStack frames(8);
  frames.push(1, 0, 0);
  uint64_t sink = 0, samples = 0, native_failures = 0;
  {
    auto registration = sampler.register_current_thread("main", &frames);
    sampler.start();
    uint64_t end = thread_cpu_ns() + 300'000'000;
    while (thread_cpu_ns() < end) sink += churn(sink);
    sampler.stop();
    aiprof::sampler::SampledSession session = sampler.take_results();
    samples = session.samples();
    for (const auto& thread : session.threads) native_failures += thread.native_failures;
  }
  std::string iterate = defined_in("dl_iterate_phdr"), mask = defined_in("sigprocmask");
  std::printf("dl_iterate_phdr: %s\nsigprocmask: %s\nsamples: %llu\nnative_failures: %llu\n",
              iterate.c_str(), mask.c_str(), static_cast<unsigned long long>(samples),
              static_cast<unsigned long long>(native_failures));
  bool ok = iterate == argv[1] && mask == argv[1] && samples > 0 && sink != 1;
  return ok ? 0 : 1;
}

// A C++ program profiling itself with aiprof: two worker threads, each keeping a frame stack
// for the sampler and timing its phases with exact spans; one sampler samples both.
//
//   embedding OUT_DIR [SECONDS]
// writes OUT_DIR/sampled.txt, OUT_DIR/sampled.folded (the threads' stacks) and
// OUT_DIR/spans-<thread>.txt (each thread's exact spans), and prints one line per thread.
#include <aiprof/instrumentation/frame_stack.hpp>
#include <aiprof/instrumentation/function_registry.hpp>
#include <aiprof/instrumentation/macros.hpp>
#include <aiprof/instrumentation/profiler.hpp>
#include <aiprof/report/build_profile.hpp>
#include <aiprof/report/output_file.hpp>
#include <aiprof/report/report_writer.hpp>
#include <aiprof/sampler/sampler.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace inst = aiprof::instrumentation;
namespace sam = aiprof::sampler;
namespace rep = aiprof::report;

namespace {

struct Ids {
  uint32_t worker, parse, compute;
};

uint64_t cpu_seconds_to_ns(double s) { return static_cast<uint64_t>(s * 1e9); }

uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

__attribute__((noinline)) uint64_t churn(uint64_t x, int rounds) {
  volatile uint64_t v = x;
  for (int i = 0; i < rounds; ++i) v = v * 2862933555777941757ull + 3037000493ull;
  return v;
}

// One worker: "parse" does one unit of work per round, "compute" three.
void worker(sam::Sampler& sampler, const Ids& ids, const char* name, double seconds,
            rep::Profile& spans_out) {
  inst::FrameStack frames(64);
  sam::ThreadRegistration registration = sampler.register_current_thread(name, &frames);
  inst::Profiler profiler;
  profiler.start_session(name);
  inst::ScopedFrame top(frames, ids.worker);
  uint64_t end = thread_cpu_ns() + cpu_seconds_to_ns(seconds), sink = 0;
  while (thread_cpu_ns() < end) {
    {
      inst::ScopedFrame frame(frames, ids.parse);
      AIPROF_PROFILE_BLOCK(profiler, "parse", inst::SpanType::Custom);
      sink += churn(sink, 50000);
    }
    {
      inst::ScopedFrame frame(frames, ids.compute);
      AIPROF_PROFILE_BLOCK(profiler, "compute", inst::SpanType::Custom);
      sink += churn(sink, 150000);
    }
  }
  inst::ProfilingSession spans = profiler.end_session();
  rep::ProfileSources sources;
  sources.exact = &spans;
  spans_out = rep::build_profile({name, std::nullopt, {}}, sources);
  if (sink == 42) std::puts("");  // keeps the work
}

void write(const std::string& path, const rep::Profile& profile, const char* format) {
  rep::write_file_atomically(path, rep::writer_for_format(format)->render(profile, {}));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: embedding OUT_DIR [SECONDS]\n");
    return 2;
  }
  std::string out = argv[1];
  double seconds = argc > 2 ? std::stod(argv[2]) : 1.0;

  inst::FunctionRegistry functions;  // names for the frame ids the threads push
  Ids ids{functions.add({"worker", __FILE__, 0, 0, inst::FrameKind::Function}),
          functions.add({"parse", __FILE__, 0, 0, inst::FrameKind::Function}),
          functions.add({"compute", __FILE__, 0, 0, inst::FrameKind::Function})};

  sam::Sampler sampler(sam::SamplerConfig{});  // 1000 Hz of each thread's CPU time
  auto start = std::chrono::system_clock::now();
  sampler.start();
  rep::Profile spans_a, spans_b;
  std::thread a(worker, std::ref(sampler), std::cref(ids), "worker-a", seconds, std::ref(spans_a));
  std::thread b(worker, std::ref(sampler), std::cref(ids), "worker-b", seconds, std::ref(spans_b));
  a.join();
  b.join();
  sam::SampledSession session = sampler.take_results();

  // No heap of ours is watched: the report says memory was not measured.
  rep::ProfileSources sources;
  sources.samples = &session;
  sources.naming = rep::SampleNaming{&functions, nullptr, false};
  sources.sampled_run = {"embedding", start, std::chrono::system_clock::now(), session.duration_ns,
                         false, nullptr};
  rep::Profile sampled = rep::build_profile({"embedding", std::nullopt, {}}, sources);
  write(out + "/sampled.txt", sampled, "text");
  write(out + "/sampled.folded", sampled, "folded");
  write(out + "/spans-worker-a.txt", spans_a, "text");
  write(out + "/spans-worker-b.txt", spans_b, "text");
  for (const sam::ThreadFigures& t : session.threads)
    std::printf("%s: %llu samples, %.0f Hz delivered, %.3f s CPU\n", t.name.c_str(),
                static_cast<unsigned long long>(t.samples), t.delivered_hz(),
                static_cast<double>(t.cpu_ns) * 1e-9);
  return 0;
}

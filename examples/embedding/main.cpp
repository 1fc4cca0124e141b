// A C++ program profiling itself with aiprof: two worker threads, each keeping a frame stack
// for the sampler and timing its phases with exact spans; one sampler samples both.
//
//   embedding OUT_DIR [SECONDS]
// writes OUT_DIR/sampled.txt, OUT_DIR/sampled.folded (the threads' stacks) and
// OUT_DIR/spans-<thread>.txt (each thread's exact spans), and prints one line per thread.
//
//   embedding serve PROGRAM.ai HOST:PORT [SNAPSHOT_DIR] [-- ARGS...]
// embeds the interpreter instead: runs PROGRAM.ai while aiprof::serve serves Go's
// /debug/pprof endpoints on HOST:PORT (and writes a snapshot every 10 s, and on SIGUSR2, into
// SNAPSHOT_DIR), prints "embedding: serving on URL" on stderr, and exits with the program's
// status.
#include <aiprof/instrumentation/frame_stack.hpp>
#include <aiprof/instrumentation/function_registry.hpp>
#include <aiprof/instrumentation/macros.hpp>
#include <aiprof/instrumentation/profiler.hpp>
#include <aiprof/report/build_profile.hpp>
#include <aiprof/report/output_file.hpp>
#include <aiprof/report/report_writer.hpp>
#include <aiprof/sampler/sampler.hpp>
#include <aiprof/server/serve.hpp>
#include <anarchy/interpreter/interpreter.hpp>
#include <anarchy/interpreter/native_frames.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

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

struct GuestRun {
  std::string program;
  std::vector<std::string> args;
  aiprof::Serving* serving;
};

// On the interpreter's (large) stack: the program runs attached to the live side.
int run_guest(void* p) {
  auto* run = static_cast<GuestRun*>(p);
  anarchy::RunOptions options;
  options.args = run->args;
  anarchy::Interpreter interp(options);
  auto attached = run->serving->attach(&interp.frames(), &interp.functions());
  return interp.run_file(run->program);  // `attached` then finishes the program for serving
}

int serve_program(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: embedding serve PROGRAM.ai HOST:PORT [SNAPSHOT_DIR] [-- ARGS...]\n");
    return 2;
  }
  aiprof::ServeOptions options;
  options.program = argv[2];
  options.pprof_http = argv[3];
  options.labels = {{"embedded", "yes"}};
  options.is_native_boundary = anarchy::is_evaluator_frame;
  int next = 4;
  if (next < argc && std::string(argv[next]) != "--") {
    options.snapshots.dir = argv[next++];
    options.snapshots.every = std::chrono::seconds(10);
  }
  GuestRun run{argv[2], {}, nullptr};
  for (int i = next + 1; i < argc; ++i) run.args.push_back(argv[i]);
  std::string problem;
  std::unique_ptr<aiprof::Serving> serving = aiprof::serve(options, &problem);
  if (!serving) {
    std::fprintf(stderr, "embedding: %s\n", problem.c_str());
    return 2;
  }
  std::fprintf(stderr, "embedding: serving on %s\n", serving->url().c_str());
  std::fflush(stderr);
  run.serving = serving.get();
  int status = anarchy::run_with_large_stack(10000, run_guest, &run);
  serving->stop();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "serve") return serve_program(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: embedding OUT_DIR [SECONDS] | embedding serve PROGRAM.ai HOST:PORT ...\n");
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

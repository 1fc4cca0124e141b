// Exact mode: runs the program with an ExactObserver attached, then converts the session.
// Hybrid mode is the same run with the sampler beside it, and the merger after it.
#include <filesystem>
#include <optional>

#include "aiprof/instrumentation/exact_observer.hpp"
#include "aiprof/instrumentation/profiler.hpp"
#include "aiprof/report/build_profile.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "anarchy/interpreter/heap_metrics.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/native_frames.hpp"
#include "hook_cost_calibration.hpp"
#include "profile.hpp"

namespace anarchy::cli {

namespace inst = aiprof::instrumentation;
namespace rep = aiprof::report;
namespace sam = aiprof::sampler;

namespace {

struct ExactJob {
  const ProgramRun& program;
  const ProfileSettings& settings;
  bool sampled;  // hybrid: the sampler runs beside the spans
  ProfileOutcome outcome;
};

// Runs on the large-stack thread: the interpreter, the profiler (and in hybrid mode the
// sampler), and the conversion.
int exact_job(void* p) {
  auto* job = static_cast<ExactJob*>(p);
  RunOptions options = run_options_for(job->program);
  options.builtin_frames = job->sampled;  // the sampler reads them (module granularity too)
  // Before the run's interpreter exists (the calibration runs interpreters of its own).
  double dispatch_ns = calibrate_hook_cost(job->settings.profiler, options).ns_per_call;
  Interpreter interp(options);
  auto heap_samples = start_heap_sampling(interp, job->program, job->settings);
  std::optional<sam::Sampler> sampler;
  sam::ThreadRegistration registration;
  if (job->sampled && job->settings.profiler.enabled) {  // enabled = false: no sampler either
    sampler.emplace(job->settings.sampler);
    registration = sampler->register_current_thread("main", &interp.frames(),
                                                    &interp.heap().live_bytes_counter());
  }
  inst::Profiler profiler(job->settings.profiler);
  profiler.set_hook_dispatch_cost_ns(dispatch_ns);
  inst::ExactObserver observer(
      profiler,
      inst::InterpreterNames{&interp.functions(), &interp.variable_names(), node_kind_name,
                             &interp.count_sites()});
  const inst::ProfilerConfig& config = job->settings.profiler;
  std::optional<inst::MemoryPoller> poller;
  // Every millisecond in exact mode; beside a sampler (which records the heap at every sample)
  // 100 Hz, so it stays out of the sampling thread's way on the other core.
  if (config.enabled && config.memory_profiling.enabled)
    poller.emplace(&interp.heap().live_bytes_counter(),
                   std::chrono::milliseconds(sampler ? 10 : 1));
  profiler.start_session(std::filesystem::path(job->program.file).stem().string());
  profiler.memory().set_baseline(interp.heap().live_bytes());
  observer.attach();
  if (poller) poller->start();
  if (sampler) sampler->start();
  std::optional<aiprof::Serving::Attached> live = attach_live(job->program, interp);
  int status = interp.run_file(job->program.file);
  live.reset();  // the live side's windows end with the program
  if (sampler) sampler->stop();
  if (poller) poller->stop();
  observer.detach();
  registration = sam::ThreadRegistration();
  profiler.memory().set_heap_snapshot(heap_snapshot(interp.heap()));
  inst::ProfilingSession session = profiler.end_session();
  std::optional<sam::SampledSession> samples;
  if (sampler) samples.emplace(sampler->take_results());
  job->outcome.exit_status = status;
  job->outcome.program_started = program_started(interp);
  rep::ProfileSources sources;
  sources.exact = &session;
  sources.samples = samples ? &*samples : nullptr;
  sources.naming = {&interp.functions(), is_evaluator_frame,
                    config.output.include_source_locations};
  if (poller) sources.polled = &poller->points();
  sources.hybrid = job->sampled;
  std::optional<inst::HeapSampleSnapshot> allocations;
  if (heap_samples) allocations.emplace(heap_samples->snapshot());
  sources.heap_samples = allocations ? &*allocations : nullptr;
  job->outcome.profile =
      rep::build_profile({job->program.file, status, job->settings.labels}, sources);
  return status;
}

}  // namespace

ProfileOutcome run_exact_mode(const ProgramRun& program, const ProfileSettings& settings) {
  ExactJob job{program, settings, false, {}};
  run_with_large_stack(program.max_depth, exact_job, &job);
  return std::move(job.outcome);
}

ProfileOutcome run_hybrid_mode(const ProgramRun& program, const ProfileSettings& settings) {
  ExactJob job{program, settings, true, {}};
  run_with_large_stack(program.max_depth, exact_job, &job);
  return std::move(job.outcome);
}

}  // namespace anarchy::cli

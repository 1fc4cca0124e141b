// Sampling mode: the interpreter's thread registered with the sampler, which records its
// guest stacks on every tick; the Profile comes from the samples plus the heap's own figures.
#include <chrono>
#include <filesystem>
#include <optional>

#include "aiprof/report/build_profile.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "anarchy/interpreter/heap_metrics.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/native_frames.hpp"
#include "profile.hpp"

namespace anarchy::cli {

namespace rep = aiprof::report;
namespace sam = aiprof::sampler;
namespace inst = aiprof::instrumentation;

namespace {

struct SamplingJob {
  const ProgramRun& program;
  const ProfileSettings& settings;
  ProfileOutcome outcome;
};

// What the configuration leaves measured. Sampling mode takes no spans and counts no
// operations; `enabled = false` switches the sampler off too (the program still runs).
rep::Profile sampled_profile(const SamplingJob& job, Interpreter& interp,
                             const sam::SampledSession* session, const RunClock& clock,
                             const inst::MemoryPoller* poller,
                             const inst::HeapSampleSnapshot* heap_samples) {
  const inst::ProfilerConfig& config = job.settings.profiler;
  inst::MemoryProfiling memory = config.memory_profiling;
  memory.enabled = config.enabled && memory.enabled;
  inst::MemoryStats heap = heap_memory_stats(interp.heap(), memory, clock.steady_start);
  rep::ProfileSources sources;
  sources.samples = session;
  sources.naming = {&interp.functions(), is_evaluator_frame,
                    config.output.include_source_locations};
  sources.sampled_run = {std::filesystem::path(job.program.file).stem().string(), clock.start,
                         clock.end, clock.duration_ns(), config.output.include_system_info, &heap};
  if (poller) sources.polled = &poller->points();
  sources.heap_samples = heap_samples;
  return rep::build_profile({job.program.file, std::nullopt, job.settings.labels}, sources);
}

// Runs on the large-stack thread: the interpreter, sampled from its first statement to its
// last (unless profiling is disabled), with the heap and RSS polled beside it.
int sampling_job(void* p) {
  auto* job = static_cast<SamplingJob*>(p);
  const inst::ProfilerConfig& config = job->settings.profiler;
  bool sampled = config.enabled;
  bool memory = config.enabled && config.memory_profiling.enabled;
  RunOptions options = run_options_for(job->program);
  options.builtin_frames = sampled;  // the sampler reads them
  Interpreter interp(options);
  auto heap_samples = start_heap_sampling(interp, job->program, job->settings);
  std::optional<sam::Sampler> sampler;
  if (sampled) sampler.emplace(job->settings.sampler);
  std::optional<inst::MemoryPoller> poller;
  // The sampler records the heap at every sample; the poller adds RSS, at 100 Hz so it stays
  // out of the sampling thread's way on the other core.
  if (memory) poller.emplace(&interp.heap().live_bytes_counter(), std::chrono::milliseconds(10));
  RunClock clock;
  int status;
  {
    sam::ThreadRegistration registration;
    auto live = attach_live(job->program, interp);
    if (sampler)
      registration = sampler->register_current_thread(
          "main", &interp.frames(), memory ? &interp.heap().live_bytes_counter() : nullptr);
    clock.begin();
    if (poller) poller->start();
    if (sampler) sampler->start();
    status = interp.run_file(job->program.file);
    if (sampler) sampler->stop();
    if (poller) poller->stop();
    clock.finish();
  }
  std::optional<sam::SampledSession> session;
  if (sampler) session.emplace(sampler->take_results());
  job->outcome.exit_status = status;
  job->outcome.program_started = program_started(interp);
  std::optional<inst::HeapSampleSnapshot> allocations;
  if (heap_samples) allocations.emplace(heap_samples->snapshot());
  job->outcome.profile = sampled_profile(*job, interp, session ? &*session : nullptr, clock,
                                         poller ? &*poller : nullptr,
                                         allocations ? &*allocations : nullptr);
  job->outcome.profile.exit_status = status;
  return status;
}

}  // namespace

ProfileOutcome run_sampling_mode(const ProgramRun& program, const ProfileSettings& settings) {
  SamplingJob job{program, settings, {}};
  run_with_large_stack(program.max_depth, sampling_job, &job);
  return std::move(job.outcome);
}

}  // namespace anarchy::cli

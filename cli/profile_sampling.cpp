// Sampling mode: the interpreter's thread registered with the sampler, which records its
// guest stacks on every tick; the Profile comes from the samples plus the heap's own figures.
#include <chrono>
#include <filesystem>
#include <optional>

#include "aiprof/report/from_exact.hpp"
#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/time_format.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "anarchy/interpreter/interpreter.hpp"
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
                             const inst::MemoryPoller* poller) {
  const inst::ProfilerConfig& config = job.settings.profiler;
  rep::Profile p;
  p.session_name = std::filesystem::path(job.program.file).stem().string();
  p.mode = "sampling";
  p.program = job.program.file;
  p.start_time = rep::iso8601_utc(clock.start);
  p.end_time = rep::iso8601_utc(clock.end);
  p.duration_ns = clock.duration_ns();
  p.time_measured = false;  // no exact spans: times are estimated from samples
  p.labels = job.settings.labels;
  if (config.output.include_system_info) p.system_info = rep::collect_system_info();
  p.memory = memory_from_heap(interp.heap(), config);
  if (poller) add_polled_memory(p.memory, *poller);
  if (p.memory.measured) {
    p.memory.gc_runs = gc_runs_from_heap(interp.heap(), clock);
    if (p.memory.gc_runs.size() < p.memory.gc_collections)
      p.profiler.notes.push_back(std::to_string(p.memory.gc_collections - p.memory.gc_runs.size()) +
                                 " GC runs past the first " + std::to_string(Heap::kMaxGcRecords) +
                                 " are counted but not marked on the timeline");
  }
  p.operations.measured = false;
  if (session) {
    rep::SampleNaming naming{&interp.functions(), rep::is_interpreter_boundary,
                             config.output.include_source_locations};
    rep::add_samples(p, *session, naming);
    p.profiler.overhead_percent = p.sampling->overhead_percent;
  } else {
    p.profiler.notes.push_back(
        "profiling was disabled (enabled = false): the program ran without the sampler");
  }
  p.profiler.notes.push_back("operation counts are measured in exact and hybrid modes only");
  if (!p.memory.measured)
    p.profiler.notes.push_back("memory was not measured (memory_profiling.enabled = false)");
  return p;
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
  job->outcome.profile = sampled_profile(*job, interp, session ? &*session : nullptr, clock,
                                         poller ? &*poller : nullptr);
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

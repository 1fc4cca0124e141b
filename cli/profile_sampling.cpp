// Sampling mode: the interpreter's thread registered with the sampler, which records its
// guest stacks on every tick; the Profile comes from the samples plus the heap's own figures.
#include <chrono>
#include <filesystem>

#include "aiprof/report/from_exact.hpp"
#include "aiprof/report/from_samples.hpp"
#include "aiprof/report/time_format.hpp"
#include "aiprof/sampler/sampler.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "profile.hpp"

namespace anarchy::cli {

namespace rep = aiprof::report;
namespace sam = aiprof::sampler;

namespace {

struct SamplingJob {
  const ProgramRun& program;
  const ProfileSettings& settings;
  ProfileOutcome outcome;
};

rep::Profile sampled_profile(const SamplingJob& job, Interpreter& interp,
                             const sam::SampledSession& session, const RunClock& clock) {
  rep::Profile p;
  p.session_name = std::filesystem::path(job.program.file).stem().string();
  p.mode = "sampling";
  p.program = job.program.file;
  p.start_time = rep::iso8601_utc(clock.start);
  p.end_time = rep::iso8601_utc(clock.end);
  p.duration_ns = clock.duration_ns();
  p.time_measured = false;  // no exact spans: times are estimated from samples
  p.labels = job.settings.labels;
  if (job.settings.profiler.output.include_system_info) p.system_info = rep::collect_system_info();
  p.memory = memory_from_heap(interp.heap());
  p.operations.measured = false;
  rep::SampleNaming naming{&interp.functions(), rep::is_interpreter_boundary,
                           job.settings.profiler.output.include_source_locations};
  rep::add_samples(p, session, naming);
  p.profiler.overhead_percent = p.sampling->overhead_percent;
  p.profiler.notes.push_back("operation counts are measured in exact and hybrid modes only");
  return p;
}

// Runs on the large-stack thread: the interpreter, sampled from its first statement to its last.
int sampling_job(void* p) {
  auto* job = static_cast<SamplingJob*>(p);
  Interpreter interp(run_options_for(job->program));
  sam::Sampler sampler(job->settings.sampler);
  RunClock clock;
  int status;
  {
    sam::ThreadRegistration registration = sampler.register_current_thread(
        "main", &interp.frames(), &interp.heap().live_bytes_counter());
    clock.begin();
    sampler.start();
    status = interp.run_file(job->program.file);
    sampler.stop();
    clock.finish();
  }
  sam::SampledSession session = sampler.take_results();
  job->outcome.exit_status = status;
  job->outcome.program_started = program_started(interp);
  job->outcome.profile = sampled_profile(*job, interp, session, clock);
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

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <memory>
#include <string>

#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/server/live_heap.hpp"
#include "aiprof/server/serve.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/native_frames.hpp"
#include "commands.hpp"
#include "live_options.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace {

struct RunRequest {
  std::string file;
  uint32_t max_depth = RunOptions{}.max_depth;
  uint64_t seed = RunOptions{}.seed;
  std::vector<std::string> args;
  LiveRequest live;                 // --pprof-http, --profile-every/-dir/-keep/-json
  std::vector<std::string> labels;  // key=value, on the endpoint's profiles and snapshots
};

RunOptions run_options(const RunRequest& req) {
  RunOptions options;
  options.max_depth = req.max_depth;
  options.seed = req.seed;
  options.args = req.args;
  return options;
}

int run_program(void* p) {
  auto* req = static_cast<RunRequest*>(p);
  Interpreter interp(run_options(*req));
  return interp.run_file(req->file);  // a guest error's report goes to stderr
}

// The live side: the program runs attached to what aiprof::serve started.
struct ServedRun {
  const RunRequest* req;
  aiprof::Serving* serving;
};

// Allocation sampling for /debug/pprof/heap, allocs and delta_heap (no observer: the
// interpreter stays on its plain evaluator).
void start_served_heap_sampling(Interpreter& interp, aiprof::Serving& serving) {
  aiprof::server::LiveHeap* heap = serving.heap();
  if (!heap) return;
  auto table = std::make_shared<aiprof::instrumentation::HeapSampleTable>(serving.heap_rate());
  interp.heap().start_allocation_sampling(table, &interp.frames());
  heap->attach(table, &interp.functions());
}

int run_served_program(void* p) {
  auto* job = static_cast<ServedRun*>(p);
  Interpreter interp(run_options(*job->req));
  std::optional<aiprof::Serving::Attached> attached;
  try {
    attached.emplace(job->serving->attach(&interp.frames(), &interp.functions()));
  } catch (const std::exception& e) {
    print_message("anarchy run", std::string("the program runs unsampled: ") + e.what());
  }
  if (attached) start_served_heap_sampling(interp, *job->serving);
  return interp.run_file(job->req->file);  // `attached` finishes the program, then goes
}

// The labels as a map, or a one-line problem.
std::optional<std::map<std::string, std::string>> parse_labels(const std::vector<std::string>& labels,
                                                               std::string* problem) {
  std::map<std::string, std::string> out;
  for (const std::string& label : labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) {
      *problem = "--label must be key=value (not '" + label + "')";
      return std::nullopt;
    }
    out[label.substr(0, eq)] = label.substr(eq + 1);
  }
  return out;
}

// Listens and checks the snapshot folder first (a port in use stops us before the program
// starts), then runs the program.
int run_served(RunRequest& req) {
  std::string problem;
  auto labels = parse_labels(req.labels, &problem);
  bool failed = !labels;
  std::unique_ptr<aiprof::Serving> serving;
  if (labels) serving = start_live(req.live, req.file, *labels, &problem, &failed);
  if (failed) {
    print_message("anarchy run", problem);
    return kExitUsage;
  }
  if (!serving) return run_with_large_stack(req.max_depth, run_program, &req);
  ServedRun job{&req, serving.get()};
  int status = run_with_large_stack(req.max_depth, run_served_program, &job);
  serving->stop();  // answers the requests still open, writes the last snapshot
  return status;
}

}  // namespace

Action add_run_command(CLI::App& app) {
  auto req = std::make_shared<RunRequest>();
  req->live.heap_rate = 512 * 1024;  // Go's runtime.MemProfileRate (kDefaultHeapRate of profile)
  CLI::App* run = app.add_subcommand("run", "Run a program: anarchy run [options] FILE [--] [ARGS...]; options go before FILE, "
      "every word after it (but a first '--') to the program");
  run->add_option("--max-depth", req->max_depth, "Guest call depth limit (RangeError beyond it)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  run->add_option("--seed", req->seed, "Seed of Math.random")->capture_default_str();
  add_live_options(run, req->live);
  run->add_option("--label", req->labels,
                  "key=value attached to the endpoint's profiles and snapshots (repeatable)");
  run->add_option("--heap-rate", req->live.heap_rate,
                  "With --pprof-http: mean bytes allocated between sampled allocations, for "
                  "/debug/pprof/heap, allocs and delta_heap (0: off)")
      ->capture_default_str();
  run->add_option("file", req->file, "The program (.ai)")->required();
  return [req]() {
    if (std::string problem = program_file_problem(req->file); !problem.empty()) {
      print_message("anarchy run", problem);
      return kExitUsage;
    }
    req->args = program_arguments();
    return run_served(*req);
  };
}

}  // namespace anarchy::cli

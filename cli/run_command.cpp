#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <memory>
#include <string>

#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/server/pprof_server.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/native_frames.hpp"
#include "commands.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace {

struct RunRequest {
  std::string file;
  uint32_t max_depth = RunOptions{}.max_depth;
  uint64_t seed = RunOptions{}.seed;
  std::vector<std::string> args;
  std::string pprof_http;           // HOST:PORT of the live endpoint ("" = none)
  std::vector<std::string> labels;  // key=value, on the endpoint's profiles
  uint64_t heap_rate = 512 * 1024;  // --heap-rate with --pprof-http (0: no heap endpoints)
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

// --pprof-http: the program runs attached to a LiveProgram the endpoint reads.
struct ServedRun {
  const RunRequest* req;
  aiprof::server::LiveProgram* live;
  aiprof::server::LiveHeap* heap;
};

// finish() however the run ends, before the interpreter (which requests read) goes away.
struct FinishOnExit {
  aiprof::server::LiveProgram& live;
  aiprof::server::LiveHeap& heap;
  ~FinishOnExit() {
    heap.finish();
    live.finish();
  }
};

// Allocation sampling for /debug/pprof/heap, allocs and delta_heap (no observer: the
// interpreter stays on its plain evaluator).
void start_served_heap_sampling(Interpreter& interp, const ServedRun& job) {
  if (job.req->heap_rate == 0) return;
  auto table = std::make_shared<aiprof::instrumentation::HeapSampleTable>(job.req->heap_rate);
  interp.heap().start_allocation_sampling(table, &interp.frames());
  job.heap->attach(table, &interp.functions());
}

int run_served_program(void* p) {
  auto* job = static_cast<ServedRun*>(p);
  Interpreter interp(run_options(*job->req));
  aiprof::server::LiveProgram::Attachment attachment;
  try {
    attachment = job->live->attach(&interp.frames(), &interp.functions());
  } catch (const std::exception& e) {
    print_message("anarchy run", std::string("--pprof-http: the program runs unsampled: ") + e.what());
  }
  start_served_heap_sampling(interp, *job);
  FinishOnExit finish{*job->live, *job->heap};
  return interp.run_file(job->req->file);
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

// Listens first (a port in use stops us before the program starts), then runs the program.
int run_served(const RunRequest& req) {
  namespace srv = aiprof::server;
  std::string problem;
  auto address = srv::parse_listen_address(req.pprof_http, &problem);
  auto labels = address ? parse_labels(req.labels, &problem) : std::nullopt;
  if (!labels) {
    print_message("anarchy run", (address ? "" : "--pprof-http: ") + problem);
    return kExitUsage;
  }
  srv::LiveProgram live({req.file, *labels, anarchy::is_evaluator_frame});
  srv::LiveHeap heap;
  auto server = srv::PprofServer::start(*address, live, &problem,
                                        req.heap_rate ? &heap : nullptr);
  if (!server) {
    print_message("anarchy run", "--pprof-http: " + problem);
    return kExitUsage;
  }
  std::fprintf(stderr, "aiprof: serving /debug/pprof on %s\n", server->url().c_str());
  std::fflush(stderr);
  ServedRun job{&req, &live, &heap};
  int status = run_with_large_stack(req.max_depth, run_served_program, &job);
  server->stop();  // answers the requests still open (bounded by the server's timeouts)
  return status;
}

}  // namespace

Action add_run_command(CLI::App& app) {
  auto req = std::make_shared<RunRequest>();
  CLI::App* run = app.add_subcommand("run", "Run a program: anarchy run [options] FILE [--] [ARGS...]; options go before FILE, "
      "every word after it (but a first '--') to the program");
  run->add_option("--max-depth", req->max_depth, "Guest call depth limit (RangeError beyond it)")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  run->add_option("--seed", req->seed, "Seed of Math.random")->capture_default_str();
  run->add_option("--pprof-http", req->pprof_http,
                  "Serve Go's /debug/pprof endpoints on HOST:PORT while the program runs "
                  "(127.0.0.1:0 picks a free port; the address is printed on stderr)");
  run->add_option("--label", req->labels, "key=value attached to the endpoint's profiles (repeatable)");
  run->add_option("--heap-rate", req->heap_rate,
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
    if (!req->pprof_http.empty()) return run_served(*req);
    return run_with_large_stack(req->max_depth, run_program, req.get());
  };
}

}  // namespace anarchy::cli

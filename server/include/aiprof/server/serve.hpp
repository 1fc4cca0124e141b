// The live side in one call, for `anarchy run`/`anarchy profile` and for any C++ program that
// embeds the interpreter: the pprof HTTP endpoint, rolling snapshot files and the SIGUSR2
// snapshot, as asked (docs/production.md).
//
//   aiprof::ServeOptions options;
//   options.program = "job.ai";
//   options.pprof_http = "127.0.0.1:0";            // and/or options.snapshots.dir = "snaps"
//   std::string problem;
//   auto serving = aiprof::serve(options, &problem);  // null: a one-line problem (port in use)
//   // on the interpreter's thread, before guest code runs:
//   anarchy::Interpreter interp(run_options);
//   {
//     auto attached = serving->attach(&interp.frames(), &interp.functions());
//     status = interp.run_file("job.ai");
//   }  // the program is finished: open windows answered, the last snapshot written
//   serving->stop();
//
// The server's and the snapshot thread's work is never sampled as guest work.
// Thread-safe: serve(), url(), stop(). attach() and the Attached handle belong to the program's
// thread. Not async-signal-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "aiprof/instrumentation/frame_stack.hpp"
#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/server/live_heap.hpp"
#include "aiprof/server/live_program.hpp"
#include "aiprof/server/snapshots.hpp"

namespace aiprof {

struct ServeOptions {
  std::string program = "program";            // the program's file: names the profiles
  std::map<std::string, std::string> labels;  // on every profile served or written
  // The interpreter's native boundary (anarchy::is_evaluator_frame); null: keep every frame.
  std::function<bool(const std::string& native_symbol)> is_native_boundary;
  std::string pprof_http;               // "HOST:PORT" of the endpoint; "" = no endpoint
  server::SnapshotOptions snapshots;    // snapshots.dir "" = no snapshots
  // Mean bytes between sampled allocations behind /debug/pprof/heap, allocs and delta_heap
  // (the caller starts the sampling on its heap: see heap()); 0: those endpoints answer 501.
  uint64_t heap_rate = 0;
  // Hears a problem met while running (a snapshot that could not be written); null: stderr.
  std::function<void(const std::string& line)> on_problem;
};

class Serving {
 public:
  ~Serving();  // stop()
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;

  // "http://127.0.0.1:PORT" where the endpoint listens; "" without one.
  std::string url() const;

  // The program's thread while it runs guest code. Its destructor (on that thread) finishes
  // the program: open windows are answered with what they have, the last snapshot written.
  class [[nodiscard]] Attached {
   public:
    Attached(Attached&&) = default;
    ~Attached();

   private:
    friend class Serving;
    Attached(server::LiveProgram* live, server::LiveHeap* heap, server::LiveProgram::Attachment a);
    struct Finish {
      server::LiveProgram* live;
      server::LiveHeap* heap;  // finished too: it reads the interpreter's names until then
      Finish(server::LiveProgram* l, server::LiveHeap* h) : live(l), heap(h) {}
      Finish(Finish&& other) noexcept : live(other.live), heap(other.heap) {
        other.live = nullptr;
        other.heap = nullptr;
      }
      ~Finish();
    };
    server::LiveProgram::Attachment registrations_;  // destroyed after finish_ has run
    Finish finish_;
  };
  // On the program's thread, before guest code runs. Throws std::runtime_error when the
  // sampler cannot register the thread (the program then counts as finished for serving).
  Attached attach(const instrumentation::FrameStack* frames,
                  const instrumentation::FunctionRegistry* functions);

  // After the program finished: stops the endpoint (answering requests in flight) and waits
  // for the last snapshot.
  void stop();

  server::LiveProgram& live();
  // What the heap endpoints read, when they are served (an endpoint and heap_rate > 0); null
  // otherwise. After attach() succeeded, on the program's thread, before guest code runs:
  //   auto table = std::make_shared<instrumentation::HeapSampleTable>(serving->heap_rate());
  //   interp.heap().start_allocation_sampling(table, &interp.frames());
  //   serving->heap()->attach(table, &interp.functions());
  // The Attached handle finishes it with the program.
  server::LiveHeap* heap();
  uint64_t heap_rate() const;

  struct Impl;

 private:
  explicit Serving(std::unique_ptr<Impl> impl);
  friend std::unique_ptr<Serving> serve(ServeOptions options, std::string* problem);
  std::unique_ptr<Impl> impl_;
};

// Checks everything first (address, snapshot directory), then listens and starts the
// snapshot thread. nullptr with *problem (one line, naming the option) when it cannot: a bad
// address, a port in use, a snapshot directory that cannot be written.
std::unique_ptr<Serving> serve(ServeOptions options, std::string* problem);

}  // namespace aiprof

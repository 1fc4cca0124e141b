#include "aiprof/server/serve.hpp"

#include <cstdio>
#include <optional>
#include <stdexcept>

#include "aiprof/server/listen_address.hpp"
#include "aiprof/server/pprof_server.hpp"

namespace aiprof {

namespace srv = server;

struct Serving::Impl {
  srv::LiveProgram live;
  std::unique_ptr<srv::PprofServer> http;
  std::optional<srv::SnapshotWriter> snapshots;
  srv::LiveHeap heap;
  uint64_t heap_rate = 0;  // 0: no heap endpoints

  explicit Impl(srv::ProgramInfo info) : live(std::move(info)) {}
};

namespace {

void print_problem(const std::string& line) {
  std::fprintf(stderr, "aiprof: %s\n", line.c_str());
  std::fflush(stderr);
}

// The checks that need no socket: the address's form and the snapshot options.
bool check_options(const ServeOptions& options, std::optional<srv::ListenAddress>* address,
                   std::string* problem) {
  if (!options.pprof_http.empty()) {
    *address = srv::parse_listen_address(options.pprof_http, problem);
    if (!*address) {
      *problem = "--pprof-http: " + *problem;
      return false;
    }
  }
  if (!options.snapshots.dir.empty()) {
    *problem = srv::check_snapshot_dir(options.snapshots.dir);
    if (!problem->empty()) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Serving> serve(ServeOptions options, std::string* problem) {
  std::optional<srv::ListenAddress> address;
  if (!check_options(options, &address, problem)) return nullptr;
  auto impl = std::make_unique<Serving::Impl>(
      srv::ProgramInfo{options.program, options.labels, options.is_native_boundary});
  if (address) {
    impl->heap_rate = options.heap_rate;
    impl->http = srv::PprofServer::start(*address, impl->live, problem,
                                         options.heap_rate ? &impl->heap : nullptr);
    if (!impl->http) {
      *problem = "--pprof-http: " + *problem;
      return nullptr;
    }
  }
  if (!options.snapshots.dir.empty())
    impl->snapshots.emplace(impl->live, options.snapshots,
                            options.on_problem ? options.on_problem : print_problem);
  return std::unique_ptr<Serving>(new Serving(std::move(impl)));
}

Serving::Serving(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Serving::~Serving() {
  // A program that never attached (or whose Attached handle is still alive elsewhere) would
  // keep the snapshot thread waiting: finishing here is harmless when it already finished.
  impl_->live.finish();
  stop();
}

std::string Serving::url() const { return impl_->http ? impl_->http->url() : ""; }

srv::LiveProgram& Serving::live() { return impl_->live; }

srv::LiveHeap* Serving::heap() { return impl_->http && impl_->heap_rate ? &impl_->heap : nullptr; }

uint64_t Serving::heap_rate() const { return impl_->heap_rate; }

Serving::Attached Serving::attach(const instrumentation::FrameStack* frames,
                                  const instrumentation::FunctionRegistry* functions) {
  try {
    return Attached(&impl_->live, &impl_->heap, impl_->live.attach(frames, functions));
  } catch (...) {
    impl_->live.finish();  // nothing will be sampled: windows and snapshots end now
    throw;
  }
}

void Serving::stop() {
  if (impl_->http) impl_->http->stop();
  if (impl_->snapshots) impl_->snapshots->stop();
}

Serving::Attached::Attached(srv::LiveProgram* live, srv::LiveHeap* heap,
                            srv::LiveProgram::Attachment a)
    : registrations_(std::move(a)), finish_(live, heap) {}

Serving::Attached::~Attached() = default;

Serving::Attached::Finish::~Finish() {
  if (heap) heap->finish();
  if (live) live->finish();
}

}  // namespace aiprof

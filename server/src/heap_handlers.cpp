// GET /debug/pprof/heap, /debug/pprof/allocs and /debug/pprof/delta_heap (issue 16): the
// program's sampled allocations as gzipped profile.proto with Go's heap-profile sample types
// (alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes; period
// space/bytes = the sampling rate). heap defaults to inuse_space, allocs to alloc_space, as
// Go's do; delta_heap is heap with the allocations since the previous delta_heap request
// (Pyroscope's godeltaprof_memory scrapes it).
#include <filesystem>

#include <fmt/format.h>

#include "aiprof/report/from_heap_samples.hpp"
#include "aiprof/report/report_writer.hpp"
#include "handlers.hpp"

namespace aiprof::server {

namespace {

report::Profile heap_profile(const LiveHeap::Reading& reading, const ProgramInfo& program) {
  report::Profile p;
  p.session_name = std::filesystem::path(program.program).stem().string();
  p.mode = "sampling";
  p.program = program.program;
  p.labels = program.labels;
  p.time_measured = false;
  p.operations.measured = false;
  p.memory.refcount_measured = false;
  report::SampleNaming naming{&reading.functions, nullptr, true};
  report::add_heap_samples(p, reading.samples, naming, true);
  return p;
}

}  // namespace

void serve_heap(LiveHeap& heap, const LiveProgram& live, HeapView view,
                const httplib::Request& req, httplib::Response& res) {
  // gc=1 is accepted and needs nothing: the figures are always those of the last free.
  for (const auto& [key, value] : req.params) {
    if (key == "gc" || (key == "debug" && value == "0")) continue;
    answer_text(res, 400, fmt::format("{}={}: the heap profiles take gc and debug=0 only (the "
                                      "protobuf format; for a change over time use delta_heap)",
                                      key, value));
    return;
  }
  std::optional<LiveHeap::Reading> reading =
      view == HeapView::Delta ? heap.read_delta() : heap.read();
  if (!reading) {
    answer_text(res, 503, "the program has not started yet: try again in a moment");
    return;
  }
  report::Profile p = heap_profile(*reading, live.info());
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"heap.pb.gz\"");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(report::render_pprof(p, view == HeapView::Allocs ? "alloc_space" : "inuse_space"),
                  "application/octet-stream");
}

}  // namespace aiprof::server

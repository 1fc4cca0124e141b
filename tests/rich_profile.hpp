// A hand-built profile with every part of the Profile filled (exact and sampled figures, user
// metrics of each type, threads, a timeline, memory series, GC runs, sampling per thread), for
// the JSON reader, merge and diff tests. Every figure is fixed, so tests can name them.
#pragma once

#include <cstdint>

#include "aiprof/report/profile.hpp"

namespace rich_profile {

using namespace aiprof::report;

inline uint32_t add(Profile& p, uint32_t parent, const Frame& frame, uint64_t calls,
                    uint64_t inclusive_ns, uint64_t self_ns, uint64_t samples_inclusive,
                    uint64_t samples_self) {
  uint32_t node = p.child(parent, p.intern_frame(frame));
  CallNode& n = p.nodes[node];
  n.has_exact = true;
  n.calls = calls;
  n.inclusive_ns = inclusive_ns;
  n.self_ns = self_ns;
  n.samples_inclusive = samples_inclusive;
  n.samples_self = samples_self;
  return node;
}

inline Profile make() {
  Profile p;
  p.session_name = "rich";
  p.mode = "hybrid";
  p.granularity = "function";
  p.program = "rich.ai";
  p.start_time = "2025-04-26T22:15:00.000Z";
  p.end_time = "2025-04-26T22:15:02.000Z";
  p.duration_ns = 2000000123;
  p.exit_status = -3;
  p.labels = {{"host", "a"}, {"run", "7"}};
  p.system_info = {{"os", "Linux"}, {"cpus", "2"}};
  p.nodes[0].has_exact = true;
  p.nodes[0].calls = 1;
  p.nodes[0].inclusive_ns = p.duration_ns;
  p.nodes[0].self_ns = 123;
  p.nodes[0].samples_inclusive = 2000;
  uint32_t main = add(p, 0, Frame{"m.main", "rich.ai", 3, FrameKind::Function, 5}, 1, 1900000000,
                      100000000, 1900, 100);
  uint32_t work = add(p, main, Frame{"m.work", "rich.ai", 9, FrameKind::Function, 3}, 40,
                      1200000000, 1000000001, 1200, 1000);
  add(p, work, Frame{"memcpy", "", 0, FrameKind::Native, 0}, 0, 0, 0, 200, 200);
  uint32_t other = add(p, main, Frame{"m.other", "rich.ai", 15, FrameKind::Function, 3}, 7,
                       600000000, 600000000, 600, 600);
  p.nodes[other].disagreement = true;
  p.nodes[other].alloc_count = 12;
  p.nodes[other].alloc_bytes = 960;
  p.nodes[other].metrics = {{"rows", int64_t{-42}}, {"ratio", 0.1}, {"tag", std::string("x\"y")}};
  add(p, 0, Frame{"<gc>", "", 0, FrameKind::GC, 0}, 2, 99999877, 99999877, 100, 100);
  p.threads = {{0, "main", 4242}, {1, "worker", 4243}};
  p.timeline = {{0, 1, 0, 0, 1900000000}, {0, 2, 1, 1000, 30000000}, {1, 4, 0, 500, 777}};
  MemoryMetrics& m = p.memory;
  m.deallocations_measured = false;
  m.total_allocations = 1024;
  m.total_allocation_bytes = 524288;
  m.peak_memory_bytes = 786432;
  m.live_bytes_at_end = 24288;
  m.live_objects_at_end = 20;
  m.objects_by_type = {{"array", 10}, {"string", 700}};
  m.live_objects_by_type = {{"string", 18}};
  m.refcount_histogram = {{"1", 15}, {"3-4", 2}};
  m.gc_collections = 2;
  m.gc_time_ns = 99999877;
  m.gc_reclaimed_bytes = 262144;
  m.gc_reclaimed_objects = 640;
  m.heap_bytes = {{0, 1000}, {600000001, 786432.5}, {2000000123, 24288}};
  m.gc_runs = {{5, 49999999, 131072, 320}, {1500000000, 49999878, 131072, 320}};
  m.allocations_by_type = {{"array", 24}, {"string", 1000}};
  m.allocation_bytes_by_type = {{"array", 24288}, {"string", 500000}};
  m.peak_rss_bytes = 9437184;
  m.rss_bytes = {{0, 8388608}, {1000000007, 9437184}};
  OperationMetrics& o = p.operations;
  o.tracked = {"arithmetic", "function_calls"};
  o.arithmetic = 5432;
  o.function_calls = 48;
  o.calls_by_function = {{"m.work", 40}, {"m.other", 7}, {"m.main", 1}};
  o.accesses_by_variable = {{"m.work.i", 8000}};
  o.property_accesses_by_type = {{"object", 4}};
  o.dictionary_by_operation = {{"get", 2}};
  SamplingInfo s;
  s.rate_requested_hz = 1000;
  s.rate_delivered_hz = 999.5;
  s.clock = "cpu";
  s.clock_source = "timer_create(CLOCK_THREAD_CPUTIME_ID)";
  s.delivery = "signal";
  s.samples = 2000;
  s.dropped_samples = 3;
  s.unsettled_copies = 2;
  s.truncated_stacks = 1;
  s.threads = 2;
  s.native = true;
  s.jitter = true;
  s.max_stack = 128;
  s.native_unwind_failures = 4;
  s.handler_ns = 123456;
  s.drain_ns = 65432;
  s.naming_ns = 4321;
  s.signal_cost_ns = 812.25;
  s.overhead_percent = 0.0094;
  s.per_thread = {{{1900, 3, 1, 1900000000, 1950000000}, 0, 1000.0},
                  {{100, 0, 0, 100000000, 2000000000}, 1, 1000.0}};
  p.sampling = s;
  ProfilerCost& c = p.profiler;
  c.clock = "rdtsc (invariant TSC)";
  c.span_cost_ns = 14.5;
  c.compensated = true;
  c.spans = 50;
  c.filtered_spans = 2;
  c.min_duration_ns = 1000;
  c.timeline_dropped = 9;
  c.overhead_percent = 0.1;
  c.notes = {"a note"};
  p.metrics = {{"batches", 3.5}, {"count", int64_t{7}}, {"who", std::string("me")}};
  return p;
}

}  // namespace rich_profile

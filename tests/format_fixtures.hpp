// Profiles built by hand for the tests of the stack and timeline formats (folded, speedscope,
// chrome-trace, pprof), so every figure a writer prints is known.
#pragma once

#include "aiprof/report/profile.hpp"

namespace format_fixtures {

using namespace aiprof::report;

// A node with exact figures in milliseconds (the report tests' hand-built trees).
inline uint32_t add_node(Profile& p, uint32_t parent, Frame frame, uint64_t calls,
                         uint64_t inclusive_ms, uint64_t self_ms) {
  uint32_t node = p.child(parent, p.intern_frame(frame));
  CallNode& n = p.nodes[node];
  n.has_exact = true;
  n.calls = calls;
  n.inclusive_ns = inclusive_ms * 1000000;
  n.self_ns = self_ms * 1000000;
  return node;
}

inline uint32_t add(Profile& p, uint32_t parent, Frame frame, uint64_t inclusive_ns,
                    uint64_t self_ns, uint64_t calls = 1) {
  uint32_t node = p.child(parent, p.intern_frame(frame));
  CallNode& n = p.nodes[node];
  n.has_exact = true;
  n.calls = calls;
  n.inclusive_ns = inclusive_ns;
  n.self_ns = self_ns;
  return node;
}

// Node indices of exact_profile().
struct Nodes {
  uint32_t main, parse, lex, native, odd;
};
inline constexpr Nodes kNodes{1, 2, 3, 4, 5};

// root (self 2 us) -> main (12 us incl, 2 self) -> parse (7 us, 3 self) -> lex (3.5 us, 3 self)
//                                                   -> memcpy (native, 0.5 us)
//                          main -> "odd;name x\n" (3 us self)
inline Profile exact_profile() {
  Profile p;
  p.session_name = "demo";
  p.mode = "exact";
  p.program = "demo.ai";
  p.start_time = "2024-05-01T12:00:00.250Z";
  p.duration_ns = 14000;
  p.labels = {{"host", "ci"}, {"run", "7"}};
  p.profiler.clock = "rdtsc (invariant TSC)";
  p.nodes[0].has_exact = true;
  p.nodes[0].calls = 1;
  p.nodes[0].inclusive_ns = 14000;
  p.nodes[0].self_ns = 2000;
  uint32_t main = add(p, 0, {"m.main", "demo.ai", 3, FrameKind::Function}, 12000, 2000);
  uint32_t parse = add(p, main, {"m.parse", "demo.ai", 10, FrameKind::Function}, 7000, 3000, 4);
  uint32_t lex = add(p, parse, {"m.lex", "demo.ai", 20, FrameKind::Function}, 3500, 3000, 9);
  add(p, lex, {"memcpy", "", 0, FrameKind::Native}, 500, 500, 9);
  add(p, main, {"odd;name x\n", "demo.ai", 30, FrameKind::Function}, 3000, 3000);
  p.nodes[main].alloc_count = 5;
  p.nodes[main].alloc_bytes = 320;
  p.nodes[lex].alloc_count = 2;
  p.nodes[lex].alloc_bytes = 64;
  p.threads.push_back(ThreadInfo{0, "main", 0});
  p.memory.heap_bytes = {{0, 100}, {5000, 900}, {14000, 400}};
  p.memory.gc_runs = {{5000, 1000, 500, 3}};
  p.profiler.timeline_dropped = 17;
  return p;
}

// The same tree with samples (1 kHz delivered: one sample stands for 1 ms).
inline Profile sampled_profile() {
  Profile p = exact_profile();
  p.mode = "sampling";
  p.time_measured = false;  // sampling mode has no spans: its times come from the samples
  SamplingInfo s;
  s.rate_requested_hz = 1000;
  s.rate_delivered_hz = 1000;
  s.clock = "cpu";
  s.samples = 15;
  p.sampling = s;
  const uint64_t self[] = {0, 4, 2, 6, 1, 2};  // by node
  for (uint32_t n = 0; n < p.nodes.size(); ++n) p.nodes[n].samples_self = self[n];
  return p;
}

// The sampled tree with the lines its samples stood at (Profile::line_nodes): main at 5 (3
// samples) and 6 (1), parse called from main's line 5 at 12 (2), lex called from parse's
// line 13 at 21 (6, and memcpy beneath it 1), "odd" called from main's line 6 at 31 (2).
inline Profile sampled_profile_with_lines() {
  Profile p = sampled_profile();
  auto line = [&](uint32_t node, uint32_t parent, uint32_t at, uint64_t samples) {
    p.line_nodes.push_back(LineNode{node, parent, at, samples});
    return static_cast<uint32_t>(p.line_nodes.size() - 1);
  };
  uint32_t main5 = line(kNodes.main, kNoNode, 5, 3), main6 = line(kNodes.main, kNoNode, 6, 1);
  line(kNodes.parse, main5, 12, 2);
  uint32_t parse13 = line(kNodes.parse, main5, 13, 0);
  uint32_t lex21 = line(kNodes.lex, parse13, 21, 6);
  line(kNodes.native, lex21, 0, 1);
  line(kNodes.odd, main6, 31, 2);
  return p;
}

}  // namespace format_fixtures

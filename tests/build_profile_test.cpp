// report::build_profile and the sampled half of the merger on hand-built stack tries: every
// sample lands on the path it was taken on (native frames cut at the interpreter boundary),
// in one top-down pass, and a run without spans says what it did not measure.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiprof/report/build_profile.hpp"
#include "aiprof/report/sampled_lines.hpp"
#include "anarchy/interpreter/native_frames.hpp"

namespace {

using namespace aiprof::report;
namespace sam = aiprof::sampler;

// Real functions of this binary, so the symbolizer names their PCs. Two play the
// interpreter's evaluator (the boundary), two the native code a guest frame calls.
__attribute__((noinline)) int boundary_eval_a(int x) { return x * 3 + 1; }
__attribute__((noinline)) int plain_b(int x) { return x * 5 + 2; }
__attribute__((noinline)) int boundary_eval_c(int x) { return x * 7 + 3; }
__attribute__((noinline)) int plain_d(int x) { return x * 11 + 4; }

// A PC inside each (a few bytes past the entry, so a return address's pc - 1 is inside too).
uintptr_t pc(int (*fn)(int)) { return reinterpret_cast<uintptr_t>(fn) + 4; }

std::string short_name(const std::string& name) {
  for (const char* fn : {"boundary_eval_a", "plain_b", "boundary_eval_c", "plain_d"})
    if (name.find(fn) != std::string::npos) return std::string(1, fn[std::string(fn).size() - 1]);
  return name;
}

// Each node in order: its path, self and inclusive samples.
std::vector<std::string> tree_of(const Profile& p) {
  std::vector<std::string> out;
  for (uint32_t n = 0; n < p.nodes.size(); ++n) {
    std::string path;
    for (uint32_t at = n; at != 0; at = p.nodes[at].parent)
      path = short_name(p.frames[p.nodes[at].frame].name) + (path.empty() ? "" : ">") + path;
    out.push_back((n ? path : "<root>") + " " + std::to_string(p.nodes[n].samples_self) + "/" +
                  std::to_string(p.nodes[n].samples_inclusive));
  }
  return out;
}

void add(sam::StackTrie& trie, std::vector<uint32_t> guest,
         std::vector<int (*)(int)> native_outermost_first, uint64_t count) {
  std::vector<uintptr_t> native;
  for (auto it = native_outermost_first.rbegin(); it != native_outermost_first.rend(); ++it)
    native.push_back(pc(*it));
  trie.add(guest.data(), static_cast<uint32_t>(guest.size()), native.data(),
           static_cast<uint32_t>(native.size()), count);
}

sam::SampledSession session_with_native_stacks() {
  auto a = boundary_eval_a, b = plain_b, c = boundary_eval_c, d = plain_d;
  sam::SampledSession s;
  add(s.stacks, {0, 1}, {a, b, c, d}, 3);  // cut at the innermost boundary: c, d
  add(s.stacks, {0, 1}, {a, b}, 2);        // a, b
  add(s.stacks, {0}, {}, 5);
  add(s.stacks, {}, {b}, 7);               // no guest frame: every native frame kept
  add(s.stacks, {0, 1}, {a}, 1);           // ends at a boundary
  add(s.stacks, {0, 1}, {b, d}, 4);        // no boundary in sight: all kept
  add(s.stacks, {}, {a, b, c}, 2);         // native-only: boundaries do not cut
  return s;
}

SampleNaming naming_with_boundary() {
  return SampleNaming{nullptr, [](const std::string& s) { return s.find("boundary_eval") != s.npos; },
                      false};
}

TEST(BuildProfile, SamplesLandOnTheirPathsCutAtTheInnermostBoundary) {
  sam::SampledSession s = session_with_native_stacks();
  ProfileSources sources;
  sources.samples = &s;
  sources.naming = naming_with_boundary();
  Profile p = build_profile({"t.ai", 0, {}}, sources);
  // Nodes come in the order of the first sample (in trie order) that keeps them.
  std::vector<std::string> expected{
      "<root> 0/24", "#0 5/15",  "#0>#1 0/10", "#0>#1>a 1/3", "#0>#1>a>b 2/2",
      "#0>#1>c 0/3", "#0>#1>c>d 3/3", "b 7/7", "#0>#1>b 0/4", "#0>#1>b>d 4/4",
      "a 0/2",       "a>b 0/2",   "a>b>c 2/2"};
  EXPECT_EQ(tree_of(p), expected);
  EXPECT_EQ(p.mode, "sampling");
}

TEST(BuildProfile, SamplesJoinTheNodesAlreadyThere) {
  sam::SampledSession s = session_with_native_stacks();
  Profile p;
  uint32_t guest = p.child(0, p.intern_frame(Frame{"#0", "", 0, FrameKind::Function, 0}));
  p.nodes[guest].calls = 9;
  add_samples(p, s, naming_with_boundary());
  EXPECT_EQ(p.nodes[guest].samples_self, 5u);
  EXPECT_EQ(p.nodes[guest].samples_inclusive, 15u);
  EXPECT_EQ(p.nodes[0].children.size(), 3u);  // #0, b, a: no second #0
  EXPECT_EQ(p.frames.size(), 7u);             // root, #0, #1, a, b, c, d
}

// Samples with lines: each node's samples are refined by the line each guest frame stood at
// (a line node per distinct path of (node, line)), and hot_lines sums them per line: self for
// the innermost guest function's line (built-ins beneath it included), total once per sample.
TEST(BuildProfile, SampledLinesRefineTheTreeAndSumPerLine) {
  sam::SampledSession s;
  uint32_t ids[] = {0, 1, 2}, outer_a[] = {4, 10, 0}, outer_b[] = {5, 10, 0}, inner[] = {4, 11, 0};
  s.stacks.add(ids, 2, nullptr, 0, 6, outer_a);   // #0 at 4 calls #1, at line 10
  s.stacks.add(ids, 2, nullptr, 0, 3, outer_b);   // #0 at 5 calls #1, at line 10
  s.stacks.add(ids, 2, nullptr, 0, 2, inner);     // #1 at line 11
  s.stacks.add(ids, 1, nullptr, 0, 1, outer_a);   // #0 itself, at 4
  namespace inst = aiprof::instrumentation;
  inst::FunctionRegistry functions;
  functions.add({"m.main", "t.ai", 3, 1, inst::FrameKind::Function});
  functions.add({"m.f", "t.ai", 9, 1, inst::FrameKind::Function});
  functions.add({"String.split", "", 0, 0, inst::FrameKind::Builtin});
  s.stacks.add(ids, 3, nullptr, 0, 4, inner);     // a built-in called at #1's line 11
  Profile p;
  add_samples(p, s, SampleNaming{&functions, nullptr, false});
  // Line nodes sum to their node's self samples.
  std::vector<uint64_t> by_node(p.nodes.size(), 0);
  for (const LineNode& l : p.line_nodes) by_node[l.node] += l.samples_self;
  for (uint32_t n = 0; n < p.nodes.size(); ++n) EXPECT_EQ(by_node[n], p.nodes[n].samples_self) << n;
  // The built-in's frame has no line of its own.
  for (const LineNode& l : p.line_nodes) {
    if (p.frames[p.nodes[l.node].frame].kind == FrameKind::Builtin) {
      EXPECT_EQ(l.line, 0u);
    }
  }
  std::vector<std::string> got;
  for (const HotLine& h : hot_lines(p))
    got.push_back(p.frames[h.function_frame].name + ":" + std::to_string(h.line) + " " +
                  std::to_string(h.samples_self) + "/" + std::to_string(h.samples_total));
  std::vector<std::string> expected{"m.f:10 9/9", "m.f:11 6/6", "m.main:4 1/13", "m.main:5 0/3"};
  EXPECT_EQ(got, expected);
}

TEST(BuildProfile, ARunWithoutSpansOrSamplerSaysWhatItDidNotMeasure) {
  ProfileSources sources;
  sources.sampled_run.session_name = "t";
  sources.sampled_run.duration_ns = 1000;
  Profile p = build_profile({"t.ai", 3, {{"env", "test"}}}, sources);
  EXPECT_EQ(p.mode, "sampling");
  EXPECT_FALSE(p.time_measured);
  EXPECT_FALSE(p.memory.measured);
  EXPECT_FALSE(p.operations.measured);
  EXPECT_FALSE(p.sampling.has_value());
  EXPECT_EQ(p.exit_status, 3);
  EXPECT_EQ(p.labels.at("env"), "test");
  std::vector<std::string> notes{
      "profiling was disabled (enabled = false): the program ran without the sampler",
      "operation counts are measured in exact and hybrid modes only",
      "memory was not measured (memory_profiling.enabled = false)"};
  EXPECT_EQ(p.profiler.notes, notes);
}

TEST(BuildProfile, TheHeapsFiguresAreTheMemoryMetrics) {
  aiprof::instrumentation::MemoryStats heap;
  heap.allocations = 10;
  heap.gc_collections = 3;
  heap.gc_runs.push_back({100, 5, 64, 2});
  heap.heap_at_end.taken = true;
  heap.heap_at_end.live_bytes = 4096;
  ProfileSources sources;
  sources.sampled_run.heap = &heap;
  Profile p = build_profile({"t.ai", 0, {}}, sources);
  EXPECT_TRUE(p.memory.measured);
  EXPECT_EQ(p.memory.total_allocations, 10u);
  EXPECT_EQ(p.memory.live_bytes_at_end, 4096u);
  ASSERT_EQ(p.memory.gc_runs.size(), 1u);
  EXPECT_EQ(p.profiler.notes.at(0), "2 GC runs past the first 1 are counted but not marked on the timeline");
}

// Profile::intern_frame: one frame per FrameKey (column included), frames appended directly
// found too, and a cleared or cut vector indexed again.
TEST(BuildProfile, FramesAreInternedByTheirKey) {
  Profile p;
  Frame f{"m.f", "a.ai", 1, FrameKind::Function, 0};
  EXPECT_EQ(p.intern_frame(f), 1u);
  EXPECT_EQ(p.intern_frame(f), 1u);
  EXPECT_EQ(p.intern_frame(Frame{"m.f", "a.ai", 1, FrameKind::Function, 7}), 2u);
  p.frames.push_back(Frame{"m.g", "a.ai", 2, FrameKind::Function, 0});
  EXPECT_EQ(p.intern_frame(Frame{"m.g", "a.ai", 2, FrameKind::Function, 0}), 3u);
  p.frames.resize(1);
  EXPECT_EQ(p.intern_frame(Frame{"m.g", "a.ai", 2, FrameKind::Function, 0}), 1u);
  EXPECT_EQ(p.frames.size(), 2u);
}

TEST(BuildProfile, TheInterpretersBoundaryIsItsEvaluator) {
  EXPECT_TRUE(anarchy::is_evaluator_frame("anarchy::Evaluator::eval_call(anarchy::Node const*)"));
  EXPECT_TRUE(anarchy::is_evaluator_frame("anarchy::exec_block"));
  EXPECT_FALSE(anarchy::is_evaluator_frame("anarchy::Heap::allocate(unsigned long)"));
  EXPECT_FALSE(anarchy::is_evaluator_frame("std::evaluate"));
}

}  // namespace

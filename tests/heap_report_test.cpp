// Sampled allocations in the report library (issue 16): add_heap_samples turns buckets into
// call-path figures scaled with Go's formula, the JSON report keeps them (and reads them back),
// and the text report lists the sites still holding memory.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "aiprof/instrumentation/function_registry.hpp"
#include "aiprof/instrumentation/heap_samples.hpp"
#include "aiprof/report/from_heap_samples.hpp"
#include "aiprof/report/json_reader.hpp"
#include "aiprof/report/report_writer.hpp"

namespace aiprof::report {
namespace {

namespace inst = aiprof::instrumentation;

struct Fixture {
  inst::FunctionRegistry functions;
  uint32_t main_id, keep_id, drop_id;
  Fixture() {
    main_id = functions.add({"m.main", "prog.ai", 3, 1, inst::FrameKind::Function});
    keep_id = functions.add({"m.keep", "prog.ai", 9, 1, inst::FrameKind::Function});
    drop_id = functions.add({"m.drop", "prog.ai", 14, 1, inst::FrameKind::Function});
  }
  // m.keep: 4 samples of 1024-byte strings, 3 live; m.drop: 10 samples of 64-byte objects, none.
  inst::HeapSampleSnapshot snapshot() const {
    inst::HeapSampleSnapshot s;
    s.rate_bytes = 4096;
    s.buckets.push_back({{main_id, keep_id}, inst::ObjectType::String, 1024, 4, 3, false});
    s.buckets.push_back({{main_id, drop_id}, inst::ObjectType::Object, 64, 10, 0, false});
    s.sampled_allocations = 14;
    s.live_entries = 3;
    s.peak_live_entries = 5;
    return s;
  }
  Profile profile(bool with_allocations) const {
    Profile p;
    p.mode = "sampling";
    p.time_measured = false;
    add_heap_samples(p, snapshot(), SampleNaming{&functions, nullptr, true}, with_allocations);
    return p;
  }
};

const CallNode* node_named(const Profile& p, const std::string& name) {
  for (const CallNode& n : p.nodes)
    if (p.frames[n.frame].name == name) return &n;
  return nullptr;
}

double weight(double size, double rate) { return 1.0 / (1.0 - std::exp(-size / rate)); }

TEST(AddHeapSamples, ScalesEachBucketWithGoFormula) {
  Fixture f;
  Profile p = f.profile(true);
  const CallNode* keep = node_named(p, "m.keep");
  const CallNode* drop = node_named(p, "m.drop");
  ASSERT_TRUE(keep && drop);
  EXPECT_EQ(p.frames[p.nodes[keep->parent].frame].name, "m.main");
  EXPECT_EQ(keep->alloc_count, static_cast<uint64_t>(std::llround(4 * weight(1024, 4096))));
  EXPECT_EQ(keep->inuse_objects, static_cast<uint64_t>(std::llround(3 * weight(1024, 4096))));
  EXPECT_EQ(keep->inuse_bytes, static_cast<uint64_t>(std::llround(3 * weight(1024, 4096) * 1024)));
  EXPECT_EQ(drop->alloc_bytes, static_cast<uint64_t>(std::llround(10 * weight(64, 4096) * 64)));
  EXPECT_EQ(drop->inuse_bytes, 0u);
  ASSERT_TRUE(p.memory.heap_sampling);
  EXPECT_EQ(p.memory.heap_sampling->rate_bytes, 4096u);
  EXPECT_TRUE(p.memory.heap_sampling->allocations_estimated);
  EXPECT_EQ(p.memory.heap_sampling->inuse_bytes_by_type.at("string"), keep->inuse_bytes);
  EXPECT_EQ(p.memory.heap_sampling->inuse_bytes_by_type.count("object"), 0u);
}

TEST(AddHeapSamples, LeavesExactAllocationCountsAloneWhenAsked) {
  Fixture f;
  Profile p = f.profile(false);
  const CallNode* keep = node_named(p, "m.keep");
  ASSERT_TRUE(keep);
  EXPECT_EQ(keep->alloc_count, 0u);
  EXPECT_GT(keep->inuse_bytes, 0u);
  EXPECT_FALSE(p.memory.heap_sampling->allocations_estimated);
}

TEST(HeapReport, JsonKeepsInUseFiguresAndReadsThemBack) {
  Fixture f;
  Profile p = f.profile(true);
  std::string json = make_json_writer()->render(p, {});
  Profile back = parse_json_profile(json, "test.json");
  const CallNode* keep = node_named(back, "m.keep");
  ASSERT_TRUE(keep);
  EXPECT_EQ(keep->inuse_bytes, node_named(p, "m.keep")->inuse_bytes);
  EXPECT_EQ(keep->inuse_objects, node_named(p, "m.keep")->inuse_objects);
  ASSERT_TRUE(back.memory.heap_sampling);
  EXPECT_EQ(back.memory.heap_sampling->peak_live_sampled, 5u);
  EXPECT_EQ(back.memory.heap_sampling->inuse_bytes_by_type,
            p.memory.heap_sampling->inuse_bytes_by_type);
}

TEST(HeapReport, TextListsTheSitesStillHoldingMemory) {
  Fixture f;
  std::string text = make_text_writer()->render(f.profile(true), {});
  size_t section = text.find("Still live at exit, allocated here");
  ASSERT_NE(section, std::string::npos) << text;
  size_t keep = text.find("m.main > m.keep", section);
  EXPECT_NE(keep, std::string::npos) << text;
  EXPECT_NE(text.find("prog.ai:9", section), std::string::npos) << text;
  EXPECT_EQ(text.find("m.drop", section), std::string::npos) << "m.drop holds nothing:\n" << text;
}

TEST(HeapReport, NoSectionWithoutAllocationSampling) {
  Profile p;
  p.mode = "sampling";
  std::string text = make_text_writer()->render(p, {});
  EXPECT_EQ(text.find("Still live at exit"), std::string::npos);
}

}  // namespace
}  // namespace aiprof::report

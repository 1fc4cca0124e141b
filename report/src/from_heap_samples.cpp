#include "aiprof/report/from_heap_samples.hpp"

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiprof/instrumentation/memory_collector.hpp"

namespace aiprof::report {

namespace inst = aiprof::instrumentation;

namespace {

// A guest frame id named as add_samples names it, so sampled allocations and CPU samples (and
// exact spans) of one function share its frame.
class GuestFrames {
 public:
  GuestFrames(Profile& profile, const SampleNaming& naming) : profile_(profile), naming_(naming) {}
  uint32_t frame(uint32_t id) {
    auto it = frames_.find(id);
    if (it != frames_.end()) return it->second;
    return frames_.emplace(id, profile_.intern_frame(guest_frame_named(id, naming_))).first->second;
  }

 private:
  Profile& profile_;
  const SampleNaming& naming_;
  std::unordered_map<uint32_t, uint32_t> frames_;
};

// Estimates summed per node as doubles, rounded once at the end (rounding each bucket would
// bias small, frequent allocations).
struct NodeEstimates {
  double alloc_objects = 0, alloc_bytes = 0, inuse_objects = 0, inuse_bytes = 0;
};

uint64_t rounded(double v) { return v > 0 ? static_cast<uint64_t>(std::llround(v)) : 0; }

}  // namespace

void add_heap_samples(Profile& profile, const inst::HeapSampleSnapshot& samples,
                      const SampleNaming& naming, bool with_allocations) {
  GuestFrames frames(profile, naming);
  std::unordered_map<uint32_t, NodeEstimates> by_node;
  std::map<std::string, NodeEstimates> by_type;
  HeapSamplingInfo info;
  info.rate_bytes = samples.rate_bytes;
  info.allocations_estimated = with_allocations;
  info.sampled_allocations = samples.sampled_allocations;
  info.live_sampled = samples.live_entries;
  info.peak_live_sampled = samples.peak_live_entries;
  for (const inst::HeapBucket& b : samples.buckets) {
    uint32_t node = 0;
    for (uint32_t id : b.stack) node = profile.child(node, frames.frame(id));
    inst::HeapEstimate alloc = inst::scale_heap_sample(b.allocs, b.size, samples.rate_bytes);
    inst::HeapEstimate live = inst::scale_heap_sample(b.live, b.size, samples.rate_bytes);
    for (NodeEstimates* e : {&by_node[node], &by_type[std::string(inst::object_type_name(b.type))]}) {
      e->alloc_objects += alloc.objects, e->alloc_bytes += alloc.bytes;
      e->inuse_objects += live.objects, e->inuse_bytes += live.bytes;
    }
  }
  for (const auto& [node, e] : by_node) {
    CallNode& n = profile.nodes[node];
    if (with_allocations) {
      n.alloc_count += rounded(e.alloc_objects);
      n.alloc_bytes += rounded(e.alloc_bytes);
    }
    n.inuse_objects += rounded(e.inuse_objects);
    n.inuse_bytes += rounded(e.inuse_bytes);
  }
  for (const auto& [type, e] : by_type) {
    if (rounded(e.inuse_objects) == 0) continue;
    info.inuse_objects_by_type[type] = rounded(e.inuse_objects);
    info.inuse_bytes_by_type[type] = rounded(e.inuse_bytes);
  }
  profile.memory.heap_sampling = std::move(info);
}

}  // namespace aiprof::report

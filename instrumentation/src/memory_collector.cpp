#include "aiprof/instrumentation/memory_collector.hpp"

#include <algorithm>

namespace aiprof::instrumentation {

std::string_view object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::String:
      return "string";
    case ObjectType::Array:
      return "array";
    case ObjectType::Object:
      return "object";
    case ObjectType::Function:
      return "function";
    case ObjectType::Native:
      return "native";
    case ObjectType::Module:
      return "module";
    case ObjectType::Env:
      return "env";
    case ObjectType::Count:
      break;
  }
  return "?";
}

void MemoryCollector::begin(uint64_t session_start_tick) {
  start_tick_ = session_start_tick;
  samples_.emplace_back(session_start_tick, 0);
}

void MemoryCollector::set_baseline(uint64_t live_bytes) {
  live_ += live_bytes;
  stats_.live_bytes_at_start = live_bytes;
  stats_.peak_bytes = std::max(stats_.peak_bytes + live_bytes, live_);
  if (!samples_.empty()) samples_.front().second = live_bytes;
}

void MemoryCollector::on_collect_end(uint64_t now_tick, uint64_t objects, uint64_t bytes) {
  ++stats_.gc_collections;
  stats_.gc_reclaimed_objects += objects;
  stats_.gc_reclaimed_bytes += bytes;
  gc_ticks_ += now_tick - collect_start_tick_;
  samples_.emplace_back(now_tick, live_);
  gc_runs_.push_back(RawGcRun{collect_start_tick_, now_tick, objects, bytes});
}

MemoryStats MemoryCollector::finish(uint64_t end_tick, const SpanClock& clock) const {
  MemoryStats out = stats_;
  out.live_bytes = live_;
  out.gc_ns = clock.to_ns(gc_ticks_);
  for (const auto& [tick, bytes] : samples_)
    out.live_bytes_over_time.push_back(HeapSample{clock.to_ns(tick - start_tick_), bytes});
  out.live_bytes_over_time.push_back(HeapSample{clock.to_ns(end_tick - start_tick_), live_});
  for (const RawGcRun& run : gc_runs_) {
    uint64_t start_ns = clock.to_ns(run.start_tick - start_tick_);
    out.gc_runs.push_back(GcRun{start_ns, clock.to_ns(run.end_tick - start_tick_) - start_ns,
                                run.bytes, run.objects});
  }
  return out;
}

}  // namespace aiprof::instrumentation

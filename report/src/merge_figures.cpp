// The counters of merge_profiles: memory, operations, sampling and profiler cost (see merge.hpp
// for the rules).
#include <algorithm>
#include <cmath>

#include "merge_parts.hpp"

namespace aiprof::report::merge_detail {

namespace {

void add_metric(MetricValue& into, const MetricValue& from) {
  if (std::holds_alternative<std::string>(into) || std::holds_alternative<std::string>(from))
    return;  // text does not add up; the first value stays
  auto* a = std::get_if<int64_t>(&into);
  auto* b = std::get_if<int64_t>(&from);
  int64_t sum = 0;
  if (a && b && !__builtin_add_overflow(*a, *b, &sum)) {
    into = sum;
    return;
  }
  auto as_double = [](const MetricValue& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    return std::get<double>(v);
  };
  into = as_double(into) + as_double(from);
}

// The mean of `values` weighted by `weights`; the plain mean when the weights are all zero.
double weighted_mean(const std::vector<double>& values, const std::vector<double>& weights) {
  double sum = 0, total = 0, plain = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += values[i] * weights[i];
    total += weights[i];
    plain += values[i];
  }
  if (total > 0) return sum / total;
  return values.empty() ? 0 : plain / static_cast<double>(values.size());
}

// "a" when every input says "a", else each distinct value once, joined by " | ".
std::string agreed_or_listed(const std::vector<std::string>& values) {
  std::vector<std::string> distinct;
  for (const std::string& v : values)
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  std::string out;
  for (const std::string& v : distinct) out += (out.empty() ? "" : " | ") + v;
  return out;
}

}  // namespace

void add_metrics(std::map<std::string, MetricValue>& into,
                 const std::map<std::string, MetricValue>& from) {
  for (const auto& [name, value] : from) {
    auto [it, inserted] = into.emplace(name, value);
    if (!inserted) add_metric(it->second, value);
  }
}

void add_counts(std::map<std::string, uint64_t>& into,
                const std::map<std::string, uint64_t>& from) {
  for (const auto& [name, count] : from) into[name] += count;
}

// Allocation sampling: the estimates add up (each is already scaled); the rate is the first
// input's (rates may differ between runs; each run's figures were scaled by its own).
void add_heap_sampling(MemoryMetrics& out, const MemoryMetrics& in) {
  if (!in.heap_sampling) return;
  if (!out.heap_sampling) {
    out.heap_sampling = in.heap_sampling;
    return;
  }
  HeapSamplingInfo& o = *out.heap_sampling;
  const HeapSamplingInfo& i = *in.heap_sampling;
  o.allocations_estimated = o.allocations_estimated && i.allocations_estimated;
  o.sampled_allocations += i.sampled_allocations;
  o.live_sampled += i.live_sampled;
  o.peak_live_sampled = std::max(o.peak_live_sampled, i.peak_live_sampled);
  add_counts(o.inuse_bytes_by_type, i.inuse_bytes_by_type);
  add_counts(o.inuse_objects_by_type, i.inuse_objects_by_type);
}

void add_memory(MemoryMetrics& out, const MemoryMetrics& in, uint64_t offset_ns, bool first) {
  add_heap_sampling(out, in);
  out.measured = (first || out.measured) && in.measured;
  out.allocations_measured = (first || out.allocations_measured) && in.allocations_measured;
  out.deallocations_measured = (first || out.deallocations_measured) && in.deallocations_measured;
  out.peak_measured = (first || out.peak_measured) && in.peak_measured;
  out.total_allocations += in.total_allocations;
  out.total_allocation_bytes += in.total_allocation_bytes;
  out.total_deallocations += in.total_deallocations;
  out.total_deallocation_bytes += in.total_deallocation_bytes;
  out.peak_memory_bytes = std::max(out.peak_memory_bytes, in.peak_memory_bytes);
  out.live_bytes_at_end += in.live_bytes_at_end;
  out.live_objects_at_end += in.live_objects_at_end;
  add_counts(out.objects_by_type, in.objects_by_type);
  add_counts(out.live_objects_by_type, in.live_objects_by_type);
  add_counts(out.refcount_histogram, in.refcount_histogram);
  out.refcount_measured = (first || out.refcount_measured) && in.refcount_measured;
  add_counts(out.allocations_by_type, in.allocations_by_type);
  add_counts(out.allocation_bytes_by_type, in.allocation_bytes_by_type);
  out.peak_rss_bytes = std::max(out.peak_rss_bytes, in.peak_rss_bytes);  // of any one process
  for (TimeSeriesPoint point : in.rss_bytes) {
    point.t_ns += offset_ns;
    out.rss_bytes.push_back(point);
  }
  out.gc_collections += in.gc_collections;
  out.gc_time_ns += in.gc_time_ns;
  out.gc_reclaimed_bytes += in.gc_reclaimed_bytes;
  out.gc_reclaimed_objects += in.gc_reclaimed_objects;
  for (TimeSeriesPoint point : in.heap_bytes) {
    point.t_ns += offset_ns;
    out.heap_bytes.push_back(point);
  }
  for (GcEvent gc : in.gc_runs) {
    gc.start_ns += offset_ns;
    out.gc_runs.push_back(gc);
  }
}

void add_operations(OperationMetrics& out, const OperationMetrics& in, bool first) {
  out.measured = (first || out.measured) && in.measured;
  out += in;
}

std::optional<SamplingInfo> merge_sampling(const std::vector<Profile>& inputs,
                                           const std::vector<uint32_t>& thread_offsets) {
  SamplingInfo out;
  std::vector<double> requested, delivered, signal_cost, overhead, time_s, sample_weight, duration;
  std::vector<std::string> clocks, sources, deliveries;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].sampling) continue;
    const SamplingInfo& s = *inputs[i].sampling;
    out.samples += s.samples;
    out.dropped_samples += s.dropped_samples;
    out.unsettled_copies += s.unsettled_copies;
    out.truncated_stacks += s.truncated_stacks;
    out.threads += s.threads;
    out.native = out.native || s.native;
    out.jitter = out.jitter || s.jitter;
    out.max_stack = std::max(out.max_stack, s.max_stack);
    out.native_unwind_failures += s.native_unwind_failures;
    out.handler_ns += s.handler_ns;
    out.drain_ns += s.drain_ns;
    out.naming_ns += s.naming_ns;
    for (ThreadSampling t : s.per_thread) {
      t.thread += thread_offsets[i];
      out.per_thread.push_back(t);
    }
    // Sampled time: what the delivered rate was measured over.
    double seconds =
        s.rate_delivered_hz > 0 ? static_cast<double>(s.samples) / s.rate_delivered_hz : 0;
    time_s.push_back(seconds);
    requested.push_back(s.rate_requested_hz);
    delivered.push_back(s.rate_delivered_hz);
    signal_cost.push_back(s.signal_cost_ns);
    sample_weight.push_back(static_cast<double>(s.samples));
    overhead.push_back(s.overhead_percent);
    duration.push_back(static_cast<double>(inputs[i].duration_ns));
    clocks.push_back(s.clock);
    sources.push_back(s.clock_source);
    deliveries.push_back(s.delivery);
  }
  if (clocks.empty()) return std::nullopt;
  out.rate_requested_hz = weighted_mean(requested, time_s);
  out.rate_delivered_hz = weighted_mean(delivered, time_s);
  out.signal_cost_ns = weighted_mean(signal_cost, sample_weight);
  out.overhead_percent = weighted_mean(overhead, duration);
  out.clock = agreed_or_listed(clocks);
  out.clock_source = agreed_or_listed(sources);
  out.delivery = agreed_or_listed(deliveries);
  return out;
}

ProfilerCost merge_cost(const std::vector<Profile>& inputs) {
  ProfilerCost out;
  std::vector<double> span_cost, spans, overhead, duration;
  std::vector<std::string> clocks;
  out.compensated = true;
  for (const Profile& p : inputs) {
    const ProfilerCost& c = p.profiler;
    out.spans += c.spans;
    out.filtered_spans += c.filtered_spans;
    out.timeline_dropped += c.timeline_dropped;
    out.min_duration_ns = std::max(out.min_duration_ns, c.min_duration_ns);
    out.compensated = out.compensated && c.compensated;
    span_cost.push_back(c.span_cost_ns);
    spans.push_back(static_cast<double>(c.spans));
    overhead.push_back(c.overhead_percent);
    duration.push_back(static_cast<double>(p.duration_ns));
    clocks.push_back(c.clock);
  }
  out.span_cost_ns = weighted_mean(span_cost, spans);
  out.overhead_percent = weighted_mean(overhead, duration);
  out.clock = agreed_or_listed(clocks);
  return out;
}

}  // namespace aiprof::report::merge_detail

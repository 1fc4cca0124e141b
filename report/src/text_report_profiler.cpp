// The text report's last section: the notes a reader must know, always; and with --verbose the
// sampler's and the spans' internals (clocks, delivery, costs, per-thread figures, timer
// switches, the notes that explain estimates) and the system the run was on.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

void note_line(std::string& out, const std::string& note) {
  append_wrapped(out, "Note: " + note, "- ", "    ", kTextWidth);
}

void span_internals(const ProfilerCost& c, std::string& out) {
  if (!c.clock.empty()) list_line(out, "Span clock", c.clock);
  list_line(out, "Span cost",
            fmt::format("{:.1f} ns per span ({})", c.span_cost_ns,
                        c.compensated ? "subtracted" : "not subtracted"));
}

std::string dropped_text(const SamplingInfo& s) {
  if (s.unsettled_copies == 0) return fmt::format("{} (ring full)", s.dropped_samples);
  return fmt::format("{} ({} ring full, {} stack changing under every copy)", s.dropped_samples,
                     s.dropped_samples - std::min(s.unsettled_copies, s.dropped_samples),
                     s.unsettled_copies);
}

void sampler_internals(const Profile& p, const SamplingInfo& s, std::string& out) {
  list_line(out, "Sampling clock",
            fmt::format("{} ({}), {} delivery{}", s.clock, s.clock_source, s.delivery,
                        s.jitter ? ", jittered" : ""));
  list_line(out, "Samples",
            fmt::format("{} taken, dropped {}, {} truncated to {} frames", s.samples,
                        dropped_text(s), s.truncated_stacks, s.max_stack));
  if (s.delivery == "thread")
    list_line(out, "Sampler cost",
              fmt::format("{} taking samples and {} draining on the sampling thread ({:.2f}% of "
                          "the run, on another core)",
                          format_duration(s.handler_ns), format_duration(s.drain_ns),
                          s.overhead_percent));
  else
    list_line(out, "Sampler cost",
              fmt::format("{} in the handler, {} draining, {:.0f} ns per signal delivered "
                          "({:.2f}% of the run)",
                          format_duration(s.handler_ns), format_duration(s.drain_ns),
                          s.signal_cost_ns, s.overhead_percent));
  if (s.naming_ns)
    list_line(out, "Naming native PCs",
              format_duration(s.naming_ns) + " on the sampler's naming thread (not counted above)");
  for (const ThreadSampling& t : s.per_thread) {
    std::string name = t.thread < p.threads.size() ? p.threads[t.thread].name : "?";
    list_line(out, "Thread " + name,
              fmt::format("{} samples, {} dropped, {} truncated, {:.0f} Hz delivered, CPU {}, "
                          "wall {}",
                          t.samples, t.dropped, t.truncated, t.rate_delivered_hz,
                          format_duration(t.cpu_ns), format_duration(t.wall_ns)));
  }
}

void system(const Profile& p, std::string& out) {
  if (p.system_info.empty()) return;
  out += "\nSystem:\n";
  for (const auto& [key, value] : p.system_info) list_line(out, key, value);
}

}  // namespace

void profiler_details(const Profile& p, const RenderOptions& options, std::string& out) {
  out += "\nProfiler:\n";
  if (options.verbose) {
    if (p.time_measured) span_internals(p.profiler, out);
    if (p.sampling) sampler_internals(p, *p.sampling, out);
  }
  size_t internal = 0;
  for (const std::string& note : p.profiler.notes) {
    if (!options.verbose && p.profiler.is_internal(note))
      ++internal;
    else
      note_line(out, note);
  }
  if (!options.verbose)
    out += fmt::format("- More with --verbose: clocks, costs, per-thread figures{}{}\n",
                       internal ? fmt::format(", {} notes", internal) : "",
                       p.system_info.empty() ? "" : ", the system");
  else
    system(p, out);
}

}  // namespace aiprof::report::text

// The text report's first lines: what ran and how, then one line on what the spans and the
// sampler delivered, lost and cost. The sampler's internals wait for --verbose
// (text_report_profiler.cpp).
#include <fmt/format.h>

#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

void wrapped(std::string& out, const std::string& line) {
  append_wrapped(out, line, "", "  ", kTextWidth);
}

// "fib.ai, exit status 0 (session fib, started ...)"
void program_line(const Profile& p, std::string& out) {
  std::string what = p.program.empty() ? "Session: " + p.session_name : "Program: " + p.program;
  if (p.exit_status) what += fmt::format(", exit status {}", *p.exit_status);
  std::string when;
  if (!p.program.empty() && !p.session_name.empty()) when = "session " + p.session_name;
  if (!p.start_time.empty()) when += (when.empty() ? "" : ", ") + ("started " + p.start_time);
  wrapped(out, when.empty() ? what : what + " (" + when + ")");
}

void mode_line(const Profile& p, std::string& out) {
  std::string mode = p.mode.empty() ? "unknown" : p.mode;
  if (!p.granularity.empty()) mode += " (" + p.granularity + " granularity)";
  wrapped(out, fmt::format("Mode: {}, {}", mode, format_duration(p.duration_ns)));
}

// The spans: how many, and how many min_duration left out (their calls are not counted).
void spans_line(const Profile& p, std::string& out) {
  if (!p.time_measured) return;
  const ProfilerCost& c = p.profiler;
  std::string line = fmt::format("Spans: {} recorded", c.spans);
  if (c.filtered_spans)
    line += fmt::format(", {} not recorded (under min_duration {})", c.filtered_spans,
                        format_duration(c.min_duration_ns));
  if (c.timeline_dropped) line += fmt::format(", {} dropped from the timeline", c.timeline_dropped);
  wrapped(out, line + fmt::format("; estimated span cost {:.1f}% of the run", c.overhead_percent));
}

// Asked against delivered, samples, losses and the sampler's own cost: always shown (the
// reasons for drops and the stack limit with --verbose).
void sampler_line(const SamplingInfo& s, uint64_t weight, std::string& out) {
  std::string line = fmt::format("Sampler: {:.0f} Hz asked, {:.0f} delivered", s.rate_requested_hz,
                                 s.rate_delivered_hz);
  if (s.samples && s.rate_delivered_hz < 0.9 * s.rate_requested_hz) line += " (over 10% short)";
  line += fmt::format("; {} samples", s.samples);
  // A sample stands for the periods the timer merged before it: the call graph counts those.
  if (weight != s.samples) line += fmt::format(" (weighing {} periods)", weight);
  line += fmt::format(", {} dropped, {} truncated", s.dropped_samples, s.truncated_stacks);
  if (s.native) line += fmt::format(", {} native unwinds failed", s.native_unwind_failures);
  if (s.threads > 1) line += fmt::format(", {} threads", s.threads);
  line += fmt::format("; cost {:.2f}%{}", s.overhead_percent,
                      s.delivery == "thread" ? " (other core)" : "");
  wrapped(out, line);
}

}  // namespace

void header(const Profile& p, std::string& out) {
  out += "=== Anarchy Inference Profiling Report ===\n";
  program_line(p, out);
  mode_line(p, out);
  for (const auto& [key, value] : p.labels) wrapped(out, "Label: " + key + "=" + value);
  spans_line(p, out);
  if (p.sampling) sampler_line(*p.sampling, p.nodes[0].samples_inclusive, out);
}

}  // namespace aiprof::report::text

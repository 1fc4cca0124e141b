// The HTML report's session header, folded: one summary line (mode, duration, sampling rates,
// drops, overhead, disagreements, notes) in a <details> element that opens on click to the full
// table and the notes, so the flame graph is the first thing on the page. The merger's
// disagreement notes (one per function, reconcile.cpp) get a list of their own; a note repeated
// word for word (merged profiles) is shown once.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "html_parts.hpp"
#include "report_text_util.hpp"

namespace aiprof::report::html {

namespace {

using std::to_string;

constexpr std::string_view kDisagreementPrefix = "disagreement at ";

void sampling_rows(const Profile& p, std::string& out) {
  if (!p.sampling) {
    row(out, "Sampling",
        "<span class=\"not-measured\">not used in this session (mode " + escape(p.mode) +
            "): no samples, so no sampled figures, dropped samples or truncated stacks</span>");
    return;
  }
  const SamplingInfo& s = *p.sampling;
  std::string clock = s.clock.empty() ? "" : ", " + escape(s.clock) + " clock";
  if (!s.clock_source.empty()) clock += " (" + escape(s.clock_source) + ")";
  if (!s.delivery.empty()) clock += ", " + escape(s.delivery) + " delivery";
  row(out, "Sampling rate",
      rate_text(s.rate_requested_hz) + " asked, " + rate_text(s.rate_delivered_hz) + " delivered" +
          clock);
  row(out, "Samples",
      count_text(s.samples) + " on " + count_text(s.threads) +
          (s.threads == 1 ? " thread" : " threads") + (s.native ? ", with native frames" : ""));
  row(out, "Dropped samples",
      count_text(s.dropped_samples) + (s.unsettled_copies
                                           ? " (" + count_text(s.unsettled_copies) +
                                                 " because the stack changed under every copy)"
                                           : ""));
  row(out, "Truncated stacks",
      count_text(s.truncated_stacks) +
          (s.max_stack ? " (deeper than " + count_text(s.max_stack) + " frames)" : ""));
  if (s.native) row(out, "Native unwind failures", count_text(s.native_unwind_failures));
}

void session_table(const Profile& p, std::string& out) {
  out += "<table class=\"kv session\">\n";
  row(out, "Session", escape(p.session_name));
  row(out, "Program", p.program.empty() ? not_measured() : escape(p.program));
  row(out, "Mode",
      escape(p.mode) +
          (p.granularity.empty() ? "" : " (granularity: " + escape(p.granularity) + ")"));
  row(out, "Duration", format_duration(p.duration_ns));
  if (!p.start_time.empty())
    row(out, "Started",
        escape(p.start_time) + (p.end_time.empty() ? "" : ", ended " + escape(p.end_time)));
  if (p.exit_status) row(out, "Exit status", to_string(*p.exit_status));
  for (const auto& [key, value] : p.labels) row(out, "Label", escape(key) + "=" + escape(value));
  row(out, "Exact times",
      p.time_measured ? "measured (" + escape(p.time_precision) + ")"
                      : std::string(not_measured()));
  sampling_rows(p, out);
  std::string overhead = percent_text(p.profiler.overhead_percent) + " of the run (spans)";
  if (p.sampling) overhead += ", sampler " + percent_text(p.sampling->overhead_percent);
  row(out, "Profiler overhead", overhead);
  if (p.profiler.filtered_spans)
    row(out, "Filtered spans",
        count_text(p.profiler.filtered_spans) + " (min_duration " +
            format_duration(p.profiler.min_duration_ns) + ")");
  if (p.profiler.timeline_dropped)
    row(out, "Timeline events dropped", count_text(p.profiler.timeline_dropped));
  if (!p.memory.measured) row(out, "Memory", not_measured());
  if (!p.operations.measured) row(out, "Operations", not_measured());
  out += "</table>\n";
}

struct SplitNotes {
  std::vector<std::string> disagreements;  // the merger's findings, one per function
  std::vector<std::string> others;
};

// Each note once, in its first place; the merger's findings apart from the rest.
SplitNotes split_notes(const std::vector<std::string>& notes) {
  SplitNotes out;
  for (const std::string& note : notes) {
    bool finding = note.rfind(kDisagreementPrefix, 0) == 0;
    std::vector<std::string>& list = finding ? out.disagreements : out.others;
    if (std::find(list.begin(), list.end(), note) == list.end()) list.push_back(note);
  }
  return out;
}

void notes_list(const std::vector<std::string>& notes, const char* heading, const char* css_class,
                std::string& out) {
  if (notes.empty()) return;
  out += fmt::format("<h3>{}</h3>\n<ul class=\"{}\">\n", heading, css_class);
  for (const std::string& note : notes) out += "<li>" + escape(note) + "</li>\n";
  out += "</ul>\n";
}

std::string plural(uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

// The parts of the one-line summary, each already HTML.
std::vector<std::string> summary_parts(const Profile& p, const SplitNotes& notes) {
  std::vector<std::string> parts;
  parts.push_back(escape(p.mode) +
                  (p.granularity.empty() ? "" : " (" + escape(p.granularity) + ")"));
  parts.push_back(format_duration(p.duration_ns));
  if (p.exit_status && *p.exit_status != 0)
    parts.push_back("<span class=\"warn\">exit status " + to_string(*p.exit_status) + "</span>");
  if (p.sampling) {
    const SamplingInfo& s = *p.sampling;
    parts.push_back(rate_text(s.rate_requested_hz) + " asked, " +
                    fmt::format("{:.1f}", s.rate_delivered_hz) + " delivered");
    std::string samples =
        plural(s.samples, "sample") + ", " + count_text(s.dropped_samples) + " dropped";
    if (s.truncated_stacks) samples += ", " + count_text(s.truncated_stacks) + " truncated";
    parts.push_back(samples);
  } else {
    parts.push_back("no sampling");
  }
  std::string overhead = "overhead " + percent_text(p.profiler.overhead_percent);
  if (p.sampling) overhead += " + sampler " + percent_text(p.sampling->overhead_percent);
  parts.push_back(overhead);
  if (!notes.disagreements.empty())
    parts.push_back("<span class=\"warn\">" + plural(notes.disagreements.size(), "disagreement") +
                    " (exact vs sampled)</span>");
  if (!notes.others.empty()) parts.push_back(plural(notes.others.size(), "note"));
  return parts;
}

}  // namespace

void session_summary_html(const Profile& p, std::string& out) {
  SplitNotes notes = split_notes(p.profiler.notes);
  std::string line;
  for (const std::string& part : summary_parts(p, notes))
    line += (line.empty() ? "" : "<span class=\"sep\"> &middot; </span>") + part;
  out += "<details id=\"session-details\" class=\"session-summary\">\n<summary>" + line +
         " <span class=\"more\">(details)</span></summary>\n";
  session_table(p, out);
  notes_list(notes.disagreements, "Exact and sampled figures disagree (one line per function)",
             "notes disagreements", out);
  notes_list(notes.others, "Profiler notes", "notes", out);
  out += "</details>\n";
}

}  // namespace aiprof::report::html

#include "report_hints.hpp"

#include <fmt/format.h>

#include <map>

namespace anarchy::cli {

namespace {

// "1.5ms", "300us": a duration as a person reads it.
std::string readable(double ns) {
  if (ns >= 1e9) return fmt::format("{:.3g}s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:.3g}ms", ns / 1e6);
  return fmt::format("{:.3g}us", ns / 1e3);
}

}  // namespace

std::string how_to_open(const std::string& format, const std::string& path) {
  static const std::map<std::string, std::string> kHowTo = {
      {"text", "text report; read it with: less {}"},
      {"json", "JSON report (lossless); turn it into any format with: anarchy report {} -o OUT"},
      {"folded",
       "folded stacks; draw them with: flamegraph.pl {} > flame.svg (or load the file "
       "in https://www.speedscope.app)"},
      {"speedscope", "speedscope profile; load it in https://www.speedscope.app"},
      {"chrome-trace", "Chrome trace; load it in https://ui.perfetto.dev or chrome://tracing"},
      {"pprof", "pprof profile; explore it with: go tool pprof -http=localhost:8080 {}"},
      {"html", "HTML report; open it in a web browser (it works offline)"},
  };
  auto it = kHowTo.find(format);
  if (it == kHowTo.end()) return format + " report";
  return fmt::format(fmt::runtime(it->second), path);
}

std::string too_few_samples_hint(const aiprof::report::Profile& profile) {
  if (!profile.sampling || profile.sampling->samples >= kFewSamples) return "";
  const aiprof::report::SamplingInfo& s = *profile.sampling;
  double period_ns = s.rate_requested_hz > 0 ? 1e9 / s.rate_requested_hz : 0;
  std::string what = s.samples == 0
                         ? std::string("no samples")
                         : fmt::format("only {} sample{}", s.samples, s.samples == 1 ? "" : "s");
  std::string instead = profile.mode == "hybrid"
                            ? "the exact figures are complete; for samples, raise --rate"
                            : "use --mode exact to time every call, or raise --rate";
  return fmt::format(
      "{} in a run of {} (one per {} of {} time at {:g} Hz): too few to rank functions; {} (up "
      "to 100000 Hz)",
      what, readable(static_cast<double>(profile.duration_ns)), readable(period_ns), s.clock,
      s.rate_requested_hz, instead);
}

}  // namespace anarchy::cli

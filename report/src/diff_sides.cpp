// The sides of a diff: which figures each is read from, whether two sides compare at all
// (diff_incompatibility), and the headline figures of each.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string_view>

#include "aiprof/report/diff.hpp"
#include "call_paths.hpp"
#include "diff_parts.hpp"

namespace aiprof::report {

namespace diff_detail {

bool has_exact_times(const Profile& p) {
  return p.time_measured &&
         std::any_of(p.nodes.begin(), p.nodes.end(), [](const CallNode& n) { return n.has_exact; });
}

bool has_samples(const Profile& p) { return p.sampling && p.sampling->samples > 0; }

size_t merged_runs(const Profile& p) {
  // merge.cpp writes "merged N profiles: a.json, b.json" first.
  constexpr std::string_view kPrefix = "merged ";
  if (p.profiler.notes.empty()) return 1;
  const std::string& note = p.profiler.notes[0];
  if (note.compare(0, kPrefix.size(), kPrefix) != 0) return 1;
  char* end = nullptr;
  unsigned long n = std::strtoul(note.c_str() + kPrefix.size(), &end, 10);
  if (n < 1 || std::string_view(end).rfind(" profiles: ", 0) != 0) return 1;
  return n;
}

bool reads_exact(const std::vector<Profile>& side, const std::vector<Profile>& other) {
  auto all = [](const std::vector<Profile>& runs, bool (*has)(const Profile&)) {
    return !runs.empty() && std::all_of(runs.begin(), runs.end(), has);
  };
  if (!all(side, has_exact_times)) return false;
  return all(other, has_exact_times) || !all(other, has_samples) || !all(side, has_samples);
}

DiffMethod choose_method(const std::vector<Profile>& base, const std::vector<Profile>& next) {
  bool base_exact = reads_exact(base, next), next_exact = reads_exact(next, base);
  if (base_exact != next_exact) return DiffMethod::Mixed;
  if (base.size() >= 2 && next.size() >= 2) return DiffMethod::Runs;
  return base_exact ? DiffMethod::Exact : DiffMethod::Samples;
}

DiffSide side_of(const Profile& p, bool exact) {
  DiffSide side;
  side.exact = exact;
  side.runs = static_cast<double>(merged_runs(p));
  if (auto period = sample_period_ns(p))  // counts are in periods of the rate asked for
    side.seconds_per_sample = *period / 1e9;
  else if (p.sampling && p.sampling->samples > 0)
    side.seconds_per_sample =
        static_cast<double>(p.duration_ns) / 1e9 / static_cast<double>(p.sampling->samples);
  return side;
}

double self_time_ns(const DiffSide& side, uint64_t self_ns, uint64_t samples_self) {
  double ns = side.exact ? static_cast<double>(self_ns)
                         : static_cast<double>(samples_self) * side.seconds_per_sample * 1e9;
  return ns / side.runs;
}

// Milliseconds since the epoch of an ISO 8601 UTC time ("2026-12-03T13:43:05.516Z").
std::optional<double> epoch_ms(const std::string& iso) {
  std::tm tm{};
  const char* rest = ::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  double fraction = 0;
  if (*rest == '.') fraction = std::strtod(rest, nullptr);
  return (static_cast<double>(::timegm(&tm)) + fraction) * 1e3;
}

// A run's wall time: its duration when that is on the wall clock, else its start to its end.
double wall_ms_of(const Profile& p) {
  double session = static_cast<double>(p.duration_ns) / 1e6;
  if (time_kind(p) == "wall" || merged_runs(p) > 1) return session;  // merged: gaps between
  auto start = epoch_ms(p.start_time), end = epoch_ms(p.end_time);
  return start && end && *end >= *start ? *end - *start : session;
}

DiffSideSummary summarize(const std::vector<Profile>& runs, bool exact) {
  DiffSideSummary s;
  s.runs = runs.size();
  s.sampled = !exact;
  if (runs.empty()) return s;
  s.mode = runs[0].mode;
  s.granularity = has_exact_times(runs[0]) ? runs[0].granularity : "";
  s.clock = std::string(time_kind(runs[0]));
  for (const Profile& p : runs) {
    DiffSide side = side_of(p, exact);
    double total_ns = 0;
    for (const CallNode& n : p.nodes) total_ns += self_time_ns(side, n.self_ns, n.samples_self);
    s.total_ms += total_ns / 1e6;
    s.session_ms += static_cast<double>(p.duration_ns) / side.runs / 1e6;
    s.wall_ms += wall_ms_of(p) / side.runs;
  }
  double n = static_cast<double>(runs.size());
  s.total_ms /= n;
  s.session_ms /= n;
  s.wall_ms /= n;
  return s;
}

}  // namespace diff_detail

namespace {

// What makes two profiles' times comparable: "exact, function granularity, wall clock".
std::string measurement_of(const Profile& p) {
  std::string text = p.mode.empty() ? "unknown mode" : p.mode;
  if (diff_detail::has_exact_times(p) && !p.granularity.empty())
    text += ", " + p.granularity + " granularity";
  return text + ", " + std::string(time_kind(p)) + " clock";
}

}  // namespace

std::optional<std::string> diff_incompatibility(const std::vector<Profile>& base,
                                                const std::vector<std::string>& base_names,
                                                const std::vector<Profile>& next,
                                                const std::vector<std::string>& next_names) {
  std::vector<const Profile*> all;
  std::vector<const std::string*> names;
  auto add = [&](const std::vector<Profile>& runs, const std::vector<std::string>& run_names) {
    for (size_t i = 0; i < runs.size(); ++i) {
      all.push_back(&runs[i]);
      names.push_back(&run_names.at(i));
    }
  };
  add(base, base_names);
  add(next, next_names);
  if (all.empty()) return std::nullopt;
  std::string first = measurement_of(*all[0]);
  for (size_t i = 1; i < all.size(); ++i) {
    std::string other = measurement_of(*all[i]);
    if (other != first)
      return "'" + *names[0] + "' is " + first + " but '" + *names[i] + "' is " + other +
             ": their times do not compare (--force to diff them anyway)";
  }
  return std::nullopt;
}

}  // namespace aiprof::report

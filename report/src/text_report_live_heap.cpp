// The text report's live-heap section (issue 16): with allocation sampling, the call sites
// whose allocations were still live when the profile was taken ("still live at exit,
// allocated here"), biggest first, and what is in use by object type. Estimates: each sampled
// allocation stands for the allocations its scaling says (HeapSamplingInfo).
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "call_paths.hpp"
#include "report_text_util.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report::text {

namespace {

constexpr size_t kLiveSiteRows = 10;

// "main > build > m.leak": the path of a node, its innermost frames kept when long.
std::string path_text(const Profile& p, uint32_t node, size_t width) {
  std::string text;
  for (uint32_t frame : frame_path(p, node))
    text += (text.empty() ? "" : " > ") + p.frames[frame].name;
  return truncate_start(text, width);
}

std::string site_text(const Profile& p, uint32_t node) {
  const Frame& f = p.frames[p.nodes[node].frame];
  return f.file.empty() ? std::string() : fmt::format("{}:{}", f.file, f.line);
}

std::string inuse_by_type(const HeapSamplingInfo& h) {
  std::vector<std::pair<std::string, uint64_t>> rows(h.inuse_bytes_by_type.begin(),
                                                     h.inuse_bytes_by_type.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [name, bytes] : rows) {
    auto objects = h.inuse_objects_by_type.find(name);
    fmt::format_to(std::back_inserter(text), "{}{}: {} ({})", text.empty() ? "" : ", ", name,
                   objects == h.inuse_objects_by_type.end() ? 0 : objects->second,
                   format_bytes(bytes));
  }
  return text.empty() ? "none" : text;
}

}  // namespace

void live_heap(const Profile& p, std::string& out) {
  if (!p.memory.measured || !p.memory.heap_sampling) return;
  const HeapSamplingInfo& h = *p.memory.heap_sampling;
  std::vector<uint32_t> sites;
  uint64_t total = 0;
  for (uint32_t n = 0; n < p.nodes.size(); ++n)
    if (p.nodes[n].inuse_bytes) sites.push_back(n), total += p.nodes[n].inuse_bytes;
  std::stable_sort(sites.begin(), sites.end(), [&p](uint32_t a, uint32_t b) {
    return p.nodes[a].inuse_bytes > p.nodes[b].inuse_bytes;
  });
  out += h.rate_bytes <= 1
             ? std::string("\nStill live at exit, allocated here (every allocation recorded)\n")
             : fmt::format("\nStill live at exit, allocated here (allocations sampled every {} "
                           "on average; estimates)\n",
                           format_bytes(h.rate_bytes));
  if (sites.empty()) {
    out += "  nothing sampled is still live\n";
  } else {
    out += fmt::format("  {:>9} {:>6} {:>9}  {}\n", "in use", "%", "objects", "allocated in");
    for (size_t i = 0; i < sites.size() && i < kLiveSiteRows; ++i) {
      const CallNode& n = p.nodes[sites[i]];
      std::string where = site_text(p, sites[i]);
      out += fmt::format("  {:>9} {:>6} {:>9}  {}{}\n", format_bytes(n.inuse_bytes),
                         format_percent(n.inuse_bytes, total), n.inuse_objects,
                         path_text(p, sites[i], where.empty() ? 68 : 66 - std::min<size_t>(where.size(), 30)),
                         where.empty() ? "" : "  " + truncate_start(where, 30));
    }
    if (sites.size() > kLiveSiteRows)
      out += fmt::format("  ... {} more sites\n", sites.size() - kLiveSiteRows);
  }
  list_line(out, "In use by type", inuse_by_type(h));
  list_line(out, "Sampled allocations",
            fmt::format("{} ({} still live, at most {} live at once)", h.sampled_allocations,
                        h.live_sampled, h.peak_live_sampled));
}

}  // namespace aiprof::report::text

#include "expression_sites_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "report_text_util.hpp"

namespace aiprof::report {

void expression_sites_table(const Profile& p, uint32_t rows, std::string& out) {
  if (p.expression_sites.empty()) return;
  std::vector<const ExpressionSite*> order;
  for (const ExpressionSite& site : p.expression_sites) order.push_back(&site);
  std::stable_sort(order.begin(), order.end(), [](const ExpressionSite* a, const ExpressionSite* b) {
    return a->self_ns > b->self_ns;
  });
  out += fmt::format("\nExpression Sites (by self time; per function and site, all call paths):\n");
  out += fmt::format("  {:>7} {:>10} {:>10} {:>10}  {}\n", "%self", "self", "total", "calls",
                     "site  (function)");
  size_t shown = std::min<size_t>(rows, order.size());
  for (size_t i = 0; i < shown; ++i) {
    const ExpressionSite& site = *order[i];
    out += fmt::format("  {:>7} {:>10} {:>10} {:>10}  {}  ({})\n",
                       format_percent(site.self_ns, p.duration_ns), format_duration(site.self_ns),
                       format_duration(site.inclusive_ns), site.calls, p.frames[site.frame].name,
                       p.frames[site.function_frame].name);
  }
  if (shown < order.size())
    out += fmt::format("  ... {} more sites (see -o profile.json, \"expression_sites\")\n",
                       order.size() - shown);
}

}  // namespace aiprof::report

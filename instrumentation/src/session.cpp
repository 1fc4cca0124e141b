#include "aiprof/instrumentation/session.hpp"

#include <cmath>

namespace aiprof::instrumentation {

const SpanDescription& ProfilingSession::describe(SpanKey key) const {
  static const SpanDescription kUnknown{"?", SpanType::Custom, {}};
  auto it = descriptions.find(key);
  return it == descriptions.end() ? kUnknown : it->second;
}

namespace {

uint64_t subtract_clamped(uint64_t value, double amount) {
  auto a = static_cast<uint64_t>(std::llround(amount));
  return value > a ? value - a : 0;
}

// Spans below `node` (its subtree's calls, the node's own excluded). Children come after
// their parent in the vector, so one backward pass sums every subtree.
std::vector<uint64_t> descendant_spans(const std::vector<SessionNode>& nodes) {
  std::vector<uint64_t> below(nodes.size(), 0);
  for (size_t i = nodes.size(); i-- > 1;) {
    uint32_t parent = nodes[i].parent;
    if (parent != UINT32_MAX) below[parent] += below[i] + nodes[i].calls;
  }
  return below;
}

}  // namespace

void compensate_span_cost(std::vector<SessionNode>& nodes, double span_cost_ns) {
  std::vector<uint64_t> below = descendant_spans(nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    uint64_t child_spans = 0;
    for (uint32_t c : nodes[i].children) child_spans += nodes[c].calls;
    nodes[i].inclusive_ns =
        subtract_clamped(nodes[i].inclusive_ns, span_cost_ns * static_cast<double>(below[i]));
    nodes[i].self_ns =
        subtract_clamped(nodes[i].self_ns, span_cost_ns * static_cast<double>(child_spans));
  }
}

}  // namespace aiprof::instrumentation

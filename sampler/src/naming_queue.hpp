// Native PCs waiting to be named, each queued once: the look-ups the report will make, the
// innermost PC of a stack as is and the others as return addresses. The reader thread queues
// as it drains; the naming thread takes batches. Not async-signal-safe (both run under the
// sampler's mutex).
#pragma once

#include <cstdint>
#include <unordered_set>
#include <utility>
#include <vector>

namespace aiprof::sampler::detail {

class NamingQueue {
 public:
  using Lookup = std::pair<uintptr_t, bool>;  // (pc, is a return address)

  // One stack's PCs, innermost first; only those never queued before are added.
  void queue(const uintptr_t* innermost_first, uint32_t depth);
  bool empty() const { return pending_.empty(); }
  // What was queued since the last batch (in queueing order); none stays pending.
  std::vector<Lookup> take_batch();
  // Forgets everything, the PCs already queued included.
  void clear();

 private:
  std::vector<Lookup> pending_;
  std::unordered_set<uintptr_t> seen_;  // pc * 2 + is a return address
};

}  // namespace aiprof::sampler::detail

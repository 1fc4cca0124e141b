// The two sides of a hybrid profile, put on one tree so their shares can be compared like for
// like (used by reconcile.cpp). Not async-signal-safe.
//
// Each side records frames the other cannot: the spans have import spans, custom spans and
// (while the sampler has no frame for it) the collector; the samples have native frames and
// built-in calls. Such a frame is folded into the nearest frame both sides record before
// comparing, on the side that has it:
// - an exact node whose frame kind no sample carries in this run is "folded": not judged, its
//   self time counts as its nearest judged ancestor's self time;
// - a sample-only node (no exact figures) counts as the exact node it matches (same frame, or
//   same name and kind, found through folded nodes: a module initialiser under an import span),
//   else as self samples of its nearest exact ancestor.
// Inclusive figures are unaffected: folding moves time between a node and its ancestors only.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/report/profile.hpp"

namespace aiprof::report::detail {

struct ProjectedProfile {
  // Per node of the profile (valid for exact nodes):
  std::vector<bool> judgeable;            // exact, called, of a kind both sides record
  std::vector<uint32_t> unit;             // the judgeable node (or root) its self time counts to
  std::vector<double> sampled_inclusive;  // sample weights on its exact subtree
  // Per judgeable node (indexed by node; 0 elsewhere):
  std::vector<double> exact_self_ns;    // its self time plus that of the nodes folded into it
  std::vector<double> sampled_self;     // its self samples plus the ones folded into it
  std::vector<uint64_t> self_spans;     // spans whose enter or exit falls in that self time
  std::vector<uint64_t> subtree_spans;  // spans in its exact subtree (its own calls included)
  double sampled_total = 0;             // sample weights beneath the root's exact children
  double exact_total_ns = 0;            // exact inclusive time of the root's children
};

ProjectedProfile project(const Profile& profile);

// What is judged: a call path with its direct recursion collapsed. The nested activations of a
// function called by itself (fib -> fib -> ...) join their outermost one, and their callees
// join by frame (the filter callbacks of every quicksort level are one unit), so time moving
// across a recursive call (where each side draws the line between two levels differently, as
// a thread descheduled inside the call shows) is not a disagreement.
struct JudgedUnit {
  uint32_t node = 0;  // its outermost call path (the one a finding marks)
  uint32_t frame = 0;
  double exact_inclusive_ns = 0, exact_self_ns = 0;
  double sampled_inclusive = 0, sampled_self = 0;
  uint64_t inclusive_spans = 0;     // spans beneath it, its own included
  uint64_t self_spans = 0;          // spans starting or ending in its self time
  uint64_t calls = 0;               // calls into it from its caller (recursive calls not counted)
  uint32_t enclosing = UINT32_MAX;  // the unit it is called from (UINT32_MAX: the root)
};

std::vector<JudgedUnit> judged_units(const Profile& profile, const ProjectedProfile& projected);

}  // namespace aiprof::report::detail

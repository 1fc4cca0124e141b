// What diff.cpp and diff_folded.cpp share: which figures each side of a diff is read from.
#pragma once

#include <cstdint>

#include "aiprof/report/diff.hpp"

namespace aiprof::report::diff_detail {

// How one profile's self figures become times.
struct DiffSide {
  bool exact = true;              // exact self_ns; else samples x seconds_per_sample
  double seconds_per_sample = 0;  // 1 / delivered rate, or duration / samples
};

bool has_exact_times(const Profile& p);
bool has_samples(const Profile& p);
DiffMethod choose_method(const Profile& base, const Profile& next);
DiffSide side_of(const Profile& p, DiffMethod method);

// Self time in nanoseconds from a node's or a function's figures.
double self_time_ns(const DiffSide& side, uint64_t self_ns, uint64_t samples_self);

}  // namespace aiprof::report::diff_detail

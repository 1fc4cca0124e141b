// What the diff files share (diff.cpp: rows; diff_rule.cpp: significance; diff_sides.cpp:
// what each side measured and whether the sides compare; diff_folded.cpp): which figures each
// side of a diff is read from. Private to the report library.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/report/diff.hpp"

namespace aiprof::report::diff_detail {

// How one profile's self figures become times (per run).
struct DiffSide {
  bool exact = true;              // exact self_ns; else samples x seconds_per_sample
  double seconds_per_sample = 0;  // 1 / rate asked for (counts are in its periods), or
                                  // duration / samples when the rate is unknown
  double runs = 1;                // runs a merged profile sums: its figures are divided by it
};

bool has_exact_times(const Profile& p);
bool has_samples(const Profile& p);
// How many runs `report merge` summed into `p` (its first note says so); 1 otherwise.
size_t merged_runs(const Profile& p);

// Whether a side is read by its exact times: when both sides have them, or when this side has
// them and the other has no samples to compare with; else by its samples.
bool reads_exact(const std::vector<Profile>& side, const std::vector<Profile>& other);
DiffMethod choose_method(const std::vector<Profile>& base, const std::vector<Profile>& next);
DiffSide side_of(const Profile& p, bool exact);

// Self time in nanoseconds, per run, from a node's or a function's figures.
double self_time_ns(const DiffSide& side, uint64_t self_ns, uint64_t samples_self);

// The headline figures and the description of one side.
DiffSideSummary summarize(const std::vector<Profile>& runs, bool exact);

// One run a side (not the Runs method) with either side on the wall clock: the larger floor
// and ratio of diff.hpp apply.
bool wall_single_run(const ProfileDiff& diff);

// Decides `significant` (and p, p_adjusted) of every row, by diff.hpp's rule.
void decide_significance(ProfileDiff& diff, const std::vector<Profile>& base,
                         const std::vector<Profile>& next);

}  // namespace aiprof::report::diff_detail

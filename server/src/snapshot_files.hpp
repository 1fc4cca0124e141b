// The snapshot directory: names that sort by time, atomic writes, rotation, and the check made
// before the program runs. Not thread-safe (the snapshot thread owns the writes); not
// async-signal-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace aiprof::server {

// "aiprof-20261203T193804.123Z-p4242-000007": the window's end (UTC, to the millisecond), the
// process and its snapshot number, so that names sort by time and never collide.
std::string snapshot_stem(std::chrono::system_clock::time_point end, int pid, uint64_t sequence);

// The snapshots in dir, oldest first, by stem (a .pb.gz and its .json count once; temporary
// files and anything not named by snapshot_stem are left alone).
std::vector<std::string> snapshot_stems(const std::string& dir);

// Deletes the oldest snapshots (both files) until at most `keep` remain. Returns how many went.
uint32_t rotate_snapshots(const std::string& dir, uint32_t keep);

}  // namespace aiprof::server

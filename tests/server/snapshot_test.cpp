// Snapshots without a server (issue 15, section 2), in-process: the --profile-every durations,
// file names that sort by time, rotation to the K newest, the directory check, and the
// summing of one-second windows into one (stacks and per-thread figures).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aiprof/server/snapshots.hpp"
#include "snapshot_files.hpp"
#include "window_accumulator.hpp"

namespace srv = aiprof::server;
namespace sam = aiprof::sampler;
namespace fs = std::filesystem;

namespace {

std::string interval_problem(const std::string& text) {
  std::string problem;
  return srv::parse_snapshot_interval(text, &problem) ? "" : problem;
}

long long interval(const std::string& text) {
  std::string problem;
  auto d = srv::parse_snapshot_interval(text, &problem);
  return d ? d->count() : -1;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("snapshot_test." + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

}  // namespace

TEST(SnapshotInterval, UnitsAndSums) {
  EXPECT_EQ(interval("30s"), 30);
  EXPECT_EQ(interval("5m"), 300);
  EXPECT_EQ(interval("1h"), 3600);
  EXPECT_EQ(interval("1m30s"), 90);
  EXPECT_EQ(interval("15"), 15);
  EXPECT_EQ(interval("24h"), 86400);
}

TEST(SnapshotInterval, BadValuesSayWhy) {
  for (const char* bad : {"", "0s", "0", "500ms", "1.5s", "abc", "10x", "-5s", "25h", "1m30",
                          "s", "99999999999s"}) {
    std::string why = interval_problem(bad);
    EXPECT_NE(why.find("--profile-every"), std::string::npos) << "'" << bad << "': " << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << bad;
  }
}

TEST(SnapshotFiles, NamesSortByTime) {
  auto t = std::chrono::system_clock::from_time_t(1764790000);
  std::string a = srv::snapshot_stem(t, 42, 9);
  std::string b = srv::snapshot_stem(t + std::chrono::milliseconds(1), 42, 10);
  std::string c = srv::snapshot_stem(t + std::chrono::hours(30), 7, 11);
  EXPECT_EQ(a, "aiprof-20251203T192640.000Z-p42-000009");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(SnapshotFiles, RotationKeepsTheNewestAndLeavesOtherFiles) {
  TempDir dir;
  auto t = std::chrono::system_clock::from_time_t(1764790000);
  for (int i = 0; i < 6; ++i) {
    std::string stem = srv::snapshot_stem(t + std::chrono::seconds(i), 42, i);
    touch(dir.path / (stem + ".pb.gz"));
    if (i % 2 == 0) touch(dir.path / (stem + ".json"));
  }
  touch(dir.path / "notes.txt");
  touch(dir.path / ".aiprof-20251203T192640.000Z-p42-000099.pb.gz.tmp.1.2.3");
  EXPECT_EQ(srv::rotate_snapshots(dir.path.string(), 2), 4u);
  std::vector<std::string> left = srv::snapshot_stems(dir.path.string());
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], srv::snapshot_stem(t + std::chrono::seconds(4), 42, 4));
  EXPECT_EQ(left[1], srv::snapshot_stem(t + std::chrono::seconds(5), 42, 5));
  EXPECT_TRUE(fs::exists(dir.path / (left[0] + ".json")));  // a kept snapshot keeps both files
  EXPECT_FALSE(fs::exists(dir.path / (srv::snapshot_stem(t, 42, 0) + ".json")));
  EXPECT_TRUE(fs::exists(dir.path / "notes.txt"));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
  EXPECT_EQ(files, 5u);  // 2 + 1 json + notes + the temporary file
}

TEST(SnapshotFiles, DirectoryCheck) {
  TempDir dir;
  EXPECT_EQ(srv::check_snapshot_dir((dir.path / "new" / "deeper").string()), "");
  EXPECT_TRUE(fs::is_directory(dir.path / "new" / "deeper"));
  touch(dir.path / "file");
  EXPECT_NE(srv::check_snapshot_dir((dir.path / "file").string()).find("not a directory"),
            std::string::npos);
  // Even root cannot create a folder under /proc/self.
  EXPECT_NE(srv::check_snapshot_dir("/proc/self/aiprof-snapshots").find("cannot create"),
            std::string::npos);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path / "new" / "deeper")) ++files;
  EXPECT_EQ(files, 0u);  // the probe file is gone
}

namespace {

sam::ThreadFigures figures(int64_t tid, uint64_t samples, uint64_t wall_ns) {
  sam::ThreadFigures f;
  f.tid = tid;
  f.name = "main";
  f.samples = f.ticks = samples;
  f.wall_ns = f.cpu_ns = wall_ns;
  return f;
}

srv::Window step(std::vector<std::vector<uint32_t>> stacks, sam::ThreadFigures thread,
                 uint64_t ns, bool cut = false) {
  srv::Window w;
  for (const auto& s : stacks) w.session.stacks.add(s.data(), static_cast<uint32_t>(s.size()), nullptr, 0);
  w.session.threads.push_back(thread);
  w.session.duration_ns = ns;
  w.session.notes = {"same note"};
  w.duration_ns = ns;
  w.cut_short = cut;
  return w;
}

uint64_t count_of(const sam::StackTrie& trie, std::vector<uint32_t> path) {
  uint32_t node = sam::StackTrie::kRoot;
  for (uint32_t id : path) {
    bool found = false;
    for (uint32_t i = 1; i < trie.nodes().size(); ++i)
      if (trie.nodes()[i].parent == node && trie.nodes()[i].frame == id) {
        node = i;
        found = true;
        break;
      }
    if (!found) return 0;
  }
  return trie.nodes()[node].self_samples;
}

}  // namespace

TEST(WindowAccumulator, SumsStacksAndCumulativeFigures) {
  constexpr uint64_t kSecond = 1'000'000'000;
  srv::WindowAccumulator acc;
  // As Sampler::take_results hands them over: a registered thread's figures are cumulative.
  acc.add(step({{0, 1}, {0, 1}, {0, 2}}, figures(7, 3, kSecond), kSecond));
  acc.add(step({{0, 1}, {0, 2, 3}}, figures(7, 5, 2 * kSecond), kSecond));
  EXPECT_EQ(acc.steps(), 2u);
  srv::Window w = acc.take();
  EXPECT_TRUE(acc.empty());
  EXPECT_EQ(w.session.stacks.total_samples(), 5u);
  EXPECT_EQ(count_of(w.session.stacks, {0, 1}), 3u);
  EXPECT_EQ(count_of(w.session.stacks, {0, 2}), 1u);
  EXPECT_EQ(count_of(w.session.stacks, {0, 2, 3}), 1u);
  ASSERT_EQ(w.session.threads.size(), 1u);
  EXPECT_EQ(w.session.threads[0].samples, 5u);
  EXPECT_EQ(w.session.threads[0].wall_ns, 2 * kSecond);
  EXPECT_EQ(w.session.notes.size(), 1u);
  EXPECT_EQ(w.duration_ns, 2 * kSecond);

  // The next window counts from where the last step left off, not from the registration.
  acc.add(step({{0, 1}}, figures(7, 6, 3 * kSecond), kSecond, true));
  srv::Window next = acc.take();
  EXPECT_EQ(next.session.threads[0].samples, 1u);
  EXPECT_EQ(next.session.threads[0].wall_ns, kSecond);
  EXPECT_TRUE(next.cut_short);
}

TEST(WindowAccumulator, PerStepFiguresAreTakenAsTheyAre) {
  constexpr uint64_t kSecond = 1'000'000'000;
  srv::WindowAccumulator acc;
  acc.add(step({{0}}, figures(7, 100, kSecond), kSecond));
  acc.add(step({{0}}, figures(7, 90, kSecond - 1000), kSecond));  // a sampler's per-window figures
  srv::Window w = acc.take();
  EXPECT_EQ(w.session.threads[0].samples, 190u);
}

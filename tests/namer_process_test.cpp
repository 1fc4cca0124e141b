// The namer helper's fallbacks: a helper that never answers, or that is gone, costs a bounded
// wait, and the PC is then named in this process (namer_process.hpp). (A helper that answers is
// tested through the real `anarchy __aiprof-namer` in profile_cli_test.)
#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <string>

#include "aiprof/sampler/namer_process.hpp"
#include "aiprof/sampler/symbolizer.hpp"

namespace {

using namespace aiprof::sampler;

__attribute__((noinline)) int function_the_helper_never_names(int x) { return x * 3 + 1; }

uintptr_t pc_of_the_function() {
  return reinterpret_cast<uintptr_t>(&function_the_helper_never_names) + 4;
}

uint64_t monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

// `sleep` reads nothing and writes nothing: a helper that hangs. The look-up waits for the
// timeout (not the 30 s the helper would take to end), then names the PC here; the next
// look-up does not wait again.
TEST(NamerProcessTest, AHelperThatNeverAnswersIsGivenUpAfterTheTimeout) {
  enable_namer_process("/bin/sleep", {"30"}, 300);
  Symbolizer symbolizer;
  uint64_t start = monotonic_ms();
  const NativeSymbol& named = symbolizer.resolve(pc_of_the_function(), false);
  uint64_t took = monotonic_ms() - start;
  EXPECT_NE(named.name.find("function_the_helper_never_names"), std::string::npos) << named.name;
  EXPECT_GE(took, 250u);    // it did wait for the helper (no timeout at all would hang here)
  EXPECT_LT(took, 20000u);  // and gave up long before the helper would have ended
  EXPECT_FALSE(namer_process_used());

  Symbolizer fresh;  // (its own cache: the look-up goes to the helper side again)
  start = monotonic_ms();
  fresh.resolve(pc_of_the_function() + 1, false);
  EXPECT_LT(monotonic_ms() - start, 250u) << "a helper given up on was waited for again";
}

// `true` exits at once: the request cannot be written or gets no answer (end of input).
TEST(NamerProcessTest, AHelperThatDiedIsNamedInProcess) {
  enable_namer_process("/bin/true", {}, 5000);
  Symbolizer symbolizer;
  uint64_t start = monotonic_ms();
  const NativeSymbol& named = symbolizer.resolve(pc_of_the_function(), false);
  EXPECT_NE(named.name.find("function_the_helper_never_names"), std::string::npos) << named.name;
  EXPECT_LT(monotonic_ms() - start, 4000u) << "waited for the timeout on a helper that is gone";
  EXPECT_FALSE(namer_process_used());
}

}  // namespace

// The CPU-time credit both CPU-filtered samplers share (sampler/src/cpu_credit.hpp): the
// handler's wall ticks filtered by CPU time, and the sampling thread on the CPU clock.
#include <gtest/gtest.h>

#include "cpu_credit.hpp"

namespace {

using aiprof::sampler::detail::CpuCredit;

TEST(CpuCreditTest, CountsWholePeriodsRunSinceTheLastSample) {
  CpuCredit credit;
  credit.reset(1000);
  EXPECT_EQ(credit.accrue(1999, 1000), 0u);  // 999 ns: not yet a period
  EXPECT_EQ(credit.accrue(3500, 1000), 2u);  // 2500 ns in all
  credit.spend(2, 1000);
  EXPECT_EQ(credit.accrue(4000, 1000), 1u);  // the 500 ns left plus 500 more
}

TEST(CpuCreditTest, CapLimitsWhatABurstBuys) {
  CpuCredit credit;
  credit.reset(0);
  EXPECT_EQ(credit.accrue(10'000, 1000), 10u);
  credit.spend(1, 1000);
  credit.cap(1000);  // (the handler's rule: at most one extra sample after a burst)
  EXPECT_EQ(credit.accrue(10'000, 1000), 1u);
  credit.reset(10'000);
  EXPECT_EQ(credit.accrue(10'999, 1000), 0u);
}

}  // namespace

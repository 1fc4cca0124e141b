// The merger's statistics against published values: the Wilson score interval (Newcombe 1998,
// "Two-sided confidence intervals for the single proportion: comparison of seven methods",
// Statistics in Medicine 17:857-872, Table I, method 3), the normal tail, the score test the
// interval inverts, and Holm's adjustment (checked against R's p.adjust(method = "holm")).
#include "aiprof/report/statistics.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace aiprof::report {
namespace {

// Newcombe prints four decimals: half a unit of the last one.
constexpr double kPrinted = 0.00005;

TEST(Statistics, WilsonIntervalMatchesNewcombeTableI) {
  struct Case {
    uint64_t k, n;
    double low, high;
  };
  const Case cases[] = {{81, 263, 0.2553, 0.3662},
                        {15, 148, 0.0624, 0.1605},
                        {0, 20, 0.0000, 0.1611},
                        {1, 29, 0.0061, 0.1718},
                        {29, 29, 0.8830, 1.0000}};
  for (const Case& c : cases) {
    Interval ci = wilson_interval(c.k, c.n);
    EXPECT_NEAR(ci.low, c.low, kPrinted) << c.k << "/" << c.n;
    EXPECT_NEAR(ci.high, c.high, kPrinted) << c.k << "/" << c.n;
  }
}

TEST(Statistics, WilsonIntervalWithoutTrialsIsEverything) {
  Interval ci = wilson_interval(0, 0);
  EXPECT_EQ(ci.low, 0);
  EXPECT_EQ(ci.high, 1);
}

// Weighted counts rest on the draws: 500 of 1000 weights from 263 draws is 131.5 -> 132 of 263.
TEST(Statistics, WeightedSharesHaveTheConfidenceOfTheirDraws) {
  Interval weighted = weighted_share_interval(500, 1000, 263);
  Interval drawn = wilson_interval(132, 263);
  EXPECT_DOUBLE_EQ(weighted.low, drawn.low);
  EXPECT_DOUBLE_EQ(weighted.high, drawn.high);
}

TEST(Statistics, NormalUpperTailMatchesTables) {
  EXPECT_NEAR(normal_upper_tail(0), 0.5, 1e-12);
  EXPECT_NEAR(normal_upper_tail(1.959964), 0.025, 1e-7);
  EXPECT_NEAR(normal_upper_tail(1.644854), 0.05, 1e-7);
  EXPECT_NEAR(normal_upper_tail(3.090232), 0.001, 1e-8);
  EXPECT_NEAR(normal_upper_tail(-1.959964), 0.975, 1e-7);
}

TEST(Statistics, ScoreTestAgainstAShare) {
  // 55 of 100 against 50%: z = 0.05 / sqrt(0.25 / 100) = 1, two-sided p = 0.3173.
  EXPECT_NEAR(share_gap_p_value(0.55, 100, 0.5, 0), 0.317311, 1e-6);
  // The Wilson interval is the set of shares this test does not reject at 5%.
  Interval ci = wilson_interval(81, 263);
  EXPECT_NEAR(share_gap_p_value(81.0 / 263, 263, ci.low, 0), 0.05, 1e-5);
  EXPECT_NEAR(share_gap_p_value(81.0 / 263, 263, ci.high, 0), 0.05,
              1e-5);  // z = 1.96, not 1.959964
}

TEST(Statistics, ScoreTestAgainstABandTestsTheNearerEdge) {
  // 60% of 400 against 50% +- 1 point: the edge is 51%, z = 0.09 / sqrt(.51 * .49 / 400).
  EXPECT_NEAR(share_gap_p_value(0.60, 400, 0.50, 0.01), 3.17337e-4, 1e-8);
  EXPECT_NEAR(share_gap_p_value(0.40, 400, 0.50, 0.01), share_gap_p_value(0.60, 400, 0.50, 0.01),
              1e-12);                                       // 49% is as far below
  EXPECT_EQ(share_gap_p_value(0.505, 400, 0.50, 0.01), 1);  // inside the band
  EXPECT_EQ(share_gap_p_value(0.9, 0, 0.50, 0.01), 1);      // no samples, no evidence
  EXPECT_EQ(share_gap_p_value(0.5, 1000, 0.0, 0), 0);       // 0% cannot give samples
}

TEST(Statistics, HolmAdjustmentMatchesR) {
  // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
  std::vector<double> adjusted = holm_adjusted({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_NEAR(adjusted[0], 0.03, 1e-12);
  EXPECT_NEAR(adjusted[1], 0.06, 1e-12);
  EXPECT_NEAR(adjusted[2], 0.06, 1e-12);
  EXPECT_NEAR(adjusted[3], 0.02, 1e-12);
  // Capped at 1, and nothing to adjust is nothing.
  EXPECT_EQ(holm_adjusted({0.5, 0.9})[1], 1.0);
  EXPECT_TRUE(holm_adjusted({}).empty());
}

}  // namespace
}  // namespace aiprof::report

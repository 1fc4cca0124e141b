// The endpoint's input checks: query values (a bad one is a one-line reason, the handler's
// 400) and --pprof-http addresses.
#include <gtest/gtest.h>

#include "aiprof/server/listen_address.hpp"
#include "aiprof/server/query.hpp"

namespace srv = aiprof::server;

namespace {

srv::Parsed<srv::ProfileQuery> profile(std::initializer_list<std::pair<const std::string, std::string>> q) {
  return srv::parse_profile_query(srv::QueryParams(q));
}

std::string reason(const srv::Parsed<srv::ProfileQuery>& parsed) {
  const std::string* r = std::get_if<std::string>(&parsed);
  return r ? *r : "";
}

}  // namespace

TEST(ProfileQuery, DefaultsAreGos) {
  auto q = std::get<srv::ProfileQuery>(profile({}));
  EXPECT_EQ(q.seconds, 30u);
  EXPECT_EQ(q.rate_hz, 100);
  EXPECT_EQ(q.clock, aiprof::sampler::SampleClock::Cpu);
  EXPECT_FALSE(q.native);
}

TEST(ProfileQuery, ReadsEveryParameter) {
  auto q = std::get<srv::ProfileQuery>(
      profile({{"seconds", "600"}, {"rate", "250"}, {"clock", "wall"}, {"native", "1"}}));
  EXPECT_EQ(q.seconds, 600u);
  EXPECT_EQ(q.rate_hz, 250);
  EXPECT_EQ(q.clock, aiprof::sampler::SampleClock::Wall);
  EXPECT_TRUE(q.native);
}

TEST(ProfileQuery, BadValuesHaveAOneLineReason) {
  EXPECT_EQ(reason(profile({{"seconds", "601"}})), "seconds: 601 is out of range (1 to 600)");
  EXPECT_EQ(reason(profile({{"seconds", "0"}})), "seconds: 0 is out of range (1 to 600)");
  EXPECT_EQ(reason(profile({{"seconds", "2s"}})), "seconds: '2s' is not a whole number");
  EXPECT_EQ(reason(profile({{"seconds", ""}})), "seconds: '' is not a whole number");
  EXPECT_EQ(reason(profile({{"clock", "tsc"}})), "clock: 'tsc' is not cpu or wall");
  EXPECT_EQ(reason(profile({{"native", "2"}})), "native: 2 is out of range (0 to 1)");
  EXPECT_EQ(reason(profile({{"rate", "0"}})), "rate: 0 is out of range (1 to 10000)");
}

TEST(GoroutineQuery, DebugLevels) {
  EXPECT_EQ(std::get<srv::GoroutineQuery>(srv::parse_goroutine_query({{"debug", "2"}})).debug, 2);
  EXPECT_TRUE(std::holds_alternative<std::string>(srv::parse_goroutine_query({{"debug", "3"}})));
}

TEST(ListenAddress, HostAndPort) {
  std::string problem;
  auto a = srv::parse_listen_address("0.0.0.0:6060", &problem);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 6060);
  auto v6 = srv::parse_listen_address("[::1]:0", &problem);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  auto loopback = srv::parse_listen_address(":7070", &problem);
  ASSERT_TRUE(loopback);
  EXPECT_EQ(loopback->host, "127.0.0.1");  // loopback unless given explicitly
}

TEST(ListenAddress, BadOnesAreRefused) {
  std::string problem;
  EXPECT_FALSE(srv::parse_listen_address("6060", &problem));
  EXPECT_FALSE(srv::parse_listen_address("localhost:65536", &problem));
  EXPECT_EQ(problem, "the port must be a number from 0 to 65535 (not '65536')");
  EXPECT_FALSE(srv::parse_listen_address("localhost:http", &problem));
}

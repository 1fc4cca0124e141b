// The command line's parts in-process: how argv is split between anarchy and the guest program
// (issue 19, 1), and what `anarchy profile` tells its user besides the report (issue 19, 2).
#include "command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands.hpp"
#include "profile.hpp"
#include "report_hints.hpp"

namespace {

using anarchy::cli::CommandLine;
using Words = std::vector<std::string>;

// The real app: every subcommand with its real options.
class SplitTest : public ::testing::Test {
 protected:
  SplitTest() {
    anarchy::cli::add_run_command(app_);
    anarchy::cli::add_profile_command(app_);
    anarchy::cli::add_fmt_command(app_);
    anarchy::cli::add_report_command(app_);
  }
  CommandLine split(const Words& words) const {
    return anarchy::cli::split_command_line(app_, words);
  }
  CLI::App app_;
};

TEST_F(SplitTest, OptionsBeforeFileAreOursWordsAfterItTheProgram) {
  CommandLine line = split({"profile", "--mode", "exact", "-o", "p.json", "prog.ai", "a", "b"});
  EXPECT_EQ(line.command, "profile");
  EXPECT_EQ(line.ours, (Words{"profile", "--mode", "exact", "-o", "p.json", "prog.ai"}));
  EXPECT_EQ(line.program, (Words{"a", "b"}));
  EXPECT_TRUE(line.misplaced.empty());
  EXPECT_TRUE(line.error.empty());
}

TEST_F(SplitTest, TheFirstDoubleDashAfterFileSeparatesAndIsNotPassedOn) {
  for (const char* command : {"run", "profile"}) {
    CommandLine line = split({command, "prog.ai", "--", "5"});
    EXPECT_EQ(line.ours, (Words{command, "prog.ai"})) << command;
    EXPECT_EQ(line.program, (Words{"5"})) << command;
  }
  // Only the first: a second one is the program's, as is one that is not right after FILE.
  EXPECT_EQ(split({"run", "prog.ai", "--", "--", "5"}).program, (Words{"--", "5"}));
  EXPECT_EQ(split({"run", "prog.ai", "5", "--", "6"}).program, (Words{"5", "--", "6"}));
}

TEST_F(SplitTest, ADoubleDashBeforeFileEndsOurOptions) {
  CommandLine line = split({"run", "--seed", "3", "--", "-odd.ai", "--", "x"});
  EXPECT_EQ(line.ours, (Words{"run", "--seed", "3", "--", "-odd.ai"}));
  EXPECT_EQ(line.program, (Words{"--", "x"}));  // the first `--` was the one before FILE
}

TEST_F(SplitTest, OurOptionsAfterFileGoToTheProgramAndAreListed) {
  CommandLine line = split({"profile", "prog.ai", "--mode", "exact", "--rate=50", "-o", "x", "-v"});
  EXPECT_EQ(line.ours, (Words{"profile", "prog.ai"}));
  EXPECT_EQ(line.program, (Words{"--mode", "exact", "--rate=50", "-o", "x", "-v"}));
  EXPECT_EQ(line.misplaced, (Words{"--mode", "--rate=50", "-o"}));  // -v is not ours
  CommandLine run = split({"run", "prog.ai", "--max-depth", "3"});
  EXPECT_EQ(run.misplaced, (Words{"--max-depth"}));
  // After an explicit `--` the user said they are the program's: nothing to warn about.
  EXPECT_TRUE(split({"profile", "prog.ai", "--", "--mode", "exact"}).misplaced.empty());
}

TEST_F(SplitTest, OptionValuesAreNotTakenForTheFile) {
  CommandLine line = split(
      {"profile", "--config", "c.toml", "--label", "k=v", "--native", "--rate=20", "prog.ai", "x"});
  EXPECT_EQ(line.ours.back(), "prog.ai");
  EXPECT_EQ(line.program, (Words{"x"}));
}

TEST_F(SplitTest, UnknownCommandsAndTopLevelOptionsAreOneLineErrors) {
  for (const Words& words : {Words{"foo"}, Words{"top", "x.ai"}, Words{"--frob"}, Words{}}) {
    CommandLine line = split(words);
    EXPECT_FALSE(line.error.empty()) << (words.empty() ? "(nothing)" : words[0]);
    EXPECT_EQ(line.error.find('\n'), std::string::npos) << line.error;
  }
  EXPECT_NE(split({"top", "x.ai"}).error.find("'top' is not a command"), std::string::npos);
  EXPECT_NE(split({"foo"}).error.find("run, profile, fmt, report"), std::string::npos);
  EXPECT_TRUE(split({"--help"}).error.empty());  // CLI11 prints the help
}

TEST_F(SplitTest, ReportKeepsEveryWordFmtNothingAfterItsFile) {
  Words report = {"report", "diff", "a.json", "b.json", "--", "-o", "x"};
  EXPECT_EQ(split(report).ours, report);
  EXPECT_TRUE(split(report).program.empty());
  CommandLine fmt = split({"fmt", "prog.ai", "--ascii"});  // refused by fmt, not warned about
  EXPECT_EQ(fmt.ours, (Words{"fmt", "prog.ai"}));
  EXPECT_EQ(fmt.program, (Words{"--ascii"}));
  EXPECT_TRUE(fmt.misplaced.empty());
}

// ---- what is said besides the report ----

TEST(ReportHints, EveryFormatSaysHowToOpenIt) {
  EXPECT_NE(anarchy::cli::how_to_open("html", "p.html").find("browser"), std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("pprof", "p.pb.gz")
                .find("go tool pprof -http=localhost:8080 p.pb.gz"),
            std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("json", "p.json").find("anarchy report p.json"),
            std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("chrome-trace", "t.json").find("ui.perfetto.dev"),
            std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("speedscope", "s.json").find("speedscope.app"),
            std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("folded", "f.folded").find("flamegraph.pl f.folded"),
            std::string::npos);
  EXPECT_NE(anarchy::cli::how_to_open("text", "p.txt").find("less p.txt"), std::string::npos);
}

aiprof::report::Profile sampled(uint64_t samples, const char* mode = "sampling") {
  aiprof::report::Profile p;
  p.mode = mode;
  p.duration_ns = 300000;
  p.sampling.emplace();
  p.sampling->rate_requested_hz = 1000;
  p.sampling->clock = "cpu";
  p.sampling->samples = samples;
  return p;
}

TEST(ReportHints, ARunTooShortToSampleSuggestsExactModeOrARate) {
  std::string none = anarchy::cli::too_few_samples_hint(sampled(0));
  EXPECT_NE(none.find("no samples in a run of 300us"), std::string::npos) << none;
  EXPECT_NE(none.find("one per 1ms of cpu time at 1000 Hz"), std::string::npos) << none;
  EXPECT_NE(none.find("--mode exact"), std::string::npos) << none;
  EXPECT_NE(none.find("--rate"), std::string::npos) << none;
  EXPECT_NE(anarchy::cli::too_few_samples_hint(sampled(1)).find("only 1 sample "),
            std::string::npos);
  // Hybrid already has the exact figures: only the rate is suggested.
  std::string hybrid = anarchy::cli::too_few_samples_hint(sampled(3, "hybrid"));
  EXPECT_EQ(hybrid.find("--mode exact"), std::string::npos) << hybrid;
  EXPECT_NE(hybrid.find("--rate"), std::string::npos) << hybrid;
  // Enough samples, or none asked for (exact mode): nothing to say.
  EXPECT_EQ(anarchy::cli::too_few_samples_hint(sampled(anarchy::cli::kFewSamples)), "");
  aiprof::report::Profile exact;
  exact.mode = "exact";
  EXPECT_EQ(anarchy::cli::too_few_samples_hint(exact), "");
}

}  // namespace

// ---- the config readers (found by fuzz_config_json: 1e309 escaped as nlohmann's out_of_range,
// and `anarchy profile --config` aborted with status 134) ----

TEST(ConfigReaders, ANumberTooLargeForADoubleIsABadConfigNotACrash) {
  anarchy::cli::ProfileSettings settings;
  try {
    anarchy::cli::apply_config_text(R"({"sampling": {"rate": 1e309}})", "big.json", settings);
    ADD_FAILURE() << "accepted";
  } catch (const anarchy::cli::SettingsError& e) {
    EXPECT_NE(std::string(e.what()).find("config file 'big.json' is not valid JSON"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(anarchy::cli::apply_config_text("[sampling]\nrate = 1e309\n", "big.toml", settings),
               anarchy::cli::SettingsError);
}

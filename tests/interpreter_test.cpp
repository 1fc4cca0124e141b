// The interpreter end to end through its library API: output, exit statuses and the error
// reports of LANGUAGE.md section 6, the call-depth limit, and the heap's reclamation of
// cyclic garbage.
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <algorithm>

#include "anarchy/interpreter/interpreter.hpp"

namespace {

struct Result {
  int status;
  std::string out;
  std::string err;
};

using test_support::slurp;

struct Job {
  std::string source;
  std::string path;
  anarchy::RunOptions options;
  Result result;
  anarchy::HeapStats stats;
};

int run_job(void* p) {
  auto* job = static_cast<Job*>(p);
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  job->options.out = out;
  job->options.err = err;
  {
    anarchy::Interpreter interp(job->options);
    job->result.status = interp.run_source(job->source, job->path);
    interp.heap().collect();
    job->stats = interp.heap().stats();
  }
  job->result.out = slurp(out);
  job->result.err = slurp(err);
  return job->result.status;
}

Job run(const std::string& source, anarchy::RunOptions options = {}, std::string path = "test.ai") {
  Job job{source, std::move(path), std::move(options), {}, {}};
  anarchy::run_with_large_stack(job.options.max_depth, run_job, &job);
  return job;
}

TEST(Interpreter, PrintsAndReturnsMainsValueAsStatus) {
  Job j = run("m{ main(){ print(\"hi\", 1 + 2); return 258; } }");
  EXPECT_EQ(j.result.out, "hi 3\n");
  EXPECT_EQ(j.result.status, 2);
}

// The names of the built-in frames a run registered in the interpreter's function registry.
std::vector<std::string> builtin_frames_registered(const std::string& source, bool builtin_frames) {
  anarchy::RunOptions options;
  options.builtin_frames = builtin_frames;
  FILE* out = std::tmpfile();
  options.out = options.err = out;
  std::vector<std::string> names;
  {
    anarchy::Interpreter interp(options);
    interp.run_source(source, "test.ai");
    const auto& functions = interp.functions();
    for (uint32_t id = 0; id < functions.size(); ++id)
      if (functions.at(id).kind == aiprof::instrumentation::FrameKind::Builtin)
        names.push_back(functions.at(id).name);
  }
  std::fclose(out);
  return names;
}

// A built-in method's frame is registered when a sampler (or profiler) sees a call of it, not
// when its call site is first resolved: a plain run registers none.
TEST(Interpreter, BuiltinMethodFramesAreRegisteredOnlyWhenFramesAreWanted) {
  const std::string source = "m{ main(){ a = []; a.push(1); a.push(2); print(a.length); } }";
  EXPECT_EQ(builtin_frames_registered(source, false), std::vector<std::string>{});
  std::vector<std::string> sampled = builtin_frames_registered(source, true);
  EXPECT_EQ(std::count(sampled.begin(), sampled.end(), "Array.push"), 1);
  EXPECT_EQ(std::count(sampled.begin(), sampled.end(), "print"), 1);
}

// `+` appends in place to a string temporary only the evaluator holds (append_to_temporary):
// never to a variable's, a literal's, an array element's or a returned variable's string.
TEST(Interpreter, StringConcatenationInPlaceLeavesSharedStringsAlone) {
  Job j = run(
      "m{ keep(s){ return s; }\n"
      "  main(){ a = \"ab\"; b = a + \"c\" + \"d\"; c = b + str(1) + \"e\";\n"
      "    xs = [b]; d = xs[0] + \"f\" + \"g\"; e = keep(c) + \"h\" + c;\n"
      "    s = \"\"; for (i = 0; i < 40; i++) { s = s + \"k\" + str(i) + \",\"; }\n"
      "    t = \"lit\" + \"x\" + \"y\"; u = \"lit\" + \"z\";\n"
      "    print(a, b, c, xs[0], d, e, t, u, len(s), s.split(\",\")[39]); } }");
  EXPECT_EQ(j.result.out, "ab abcd abcd1e abcd abcdfg abcd1ehabcd1e litxy litz 150 k39\n")
      << j.result.err;
}
TEST(Interpreter, NegativeAndNonNumericReturnValues) {
  EXPECT_EQ(run("m{ main(){ return -1; } }").result.status, 255);
  EXPECT_EQ(run("m{ main(){ return \"x\"; } }").result.status, 0);
  EXPECT_EQ(run("m{ main(){ } }").result.status, 0);
}

TEST(Interpreter, RecursiveFib) {
  Job j = run("m{ fib(n){ if (n < 2) return n; return fib(n-1) + fib(n-2); } main(){ print(fib(20)); } }");
  EXPECT_EQ(j.result.out, "6765\n");
}

TEST(Interpreter, SyntaxErrorReportsLocationAndCaretAndRunsNothing) {
  Job j = run("m{\n  main(){\n    print(\"no\");\n    y = (1 + ) * 2;\n  }\n}\n");
  EXPECT_EQ(j.result.status, 65);
  EXPECT_EQ(j.result.out, "");
  EXPECT_NE(j.result.err.find("test.ai:4:14: SyntaxError"), std::string::npos) << j.result.err;
  EXPECT_NE(j.result.err.find("y = (1 + ) * 2;"), std::string::npos);
  EXPECT_NE(j.result.err.find("             ^"), std::string::npos);
}

TEST(Interpreter, ReportsEverySyntaxErrorUpToTwenty) {
  std::string src = "m{ main(){\n";
  for (int i = 0; i < 30; ++i) src += "x = 1 +;\n";
  src += "} }\n";
  Job j = run(src);
  EXPECT_EQ(j.result.status, 65);
  size_t count = 0;
  for (size_t pos = 0; (pos = j.result.err.find("SyntaxError", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 20u);
}

TEST(Interpreter, RuntimeErrorHasLocationKindAndTraceback) {
  Job j = run("m{\n main(){ f(); }\n f(){ return 1 + null; }\n}\n");
  EXPECT_EQ(j.result.status, 70);
  EXPECT_NE(j.result.err.find("test.ai:3:16: TypeError"), std::string::npos) << j.result.err;
  EXPECT_NE(j.result.err.find("in m.main"), std::string::npos) << j.result.err;
  EXPECT_NE(j.result.err.find("in m.f"), std::string::npos) << j.result.err;
  // innermost last
  EXPECT_LT(j.result.err.find("in m.main"), j.result.err.find("in m.f"));
}

TEST(Interpreter, UncaughtThrownValue) {
  Job j = run("m{ main(){ throw [1, \"a\"]; } }");
  EXPECT_EQ(j.result.status, 70);
  EXPECT_NE(j.result.err.find("Uncaught: [1, \"a\"]"), std::string::npos) << j.result.err;
}

TEST(Interpreter, InfiniteRecursionIsARangeErrorNotACrash) {
  Job j = run("m{ main(){ down(0); } down(n){ return down(n + 1); } }");
  EXPECT_EQ(j.result.status, 70);
  EXPECT_NE(j.result.err.find("RangeError: maximum call depth exceeded"), std::string::npos);
}

TEST(Interpreter, DepthLimitFollowsOption) {
  anarchy::RunOptions options;
  options.max_depth = 50;
  const char* src = "m{ main(){ try { d(0); } catch (e) { print(e.type); } print(d2(40)); }"
                    " d(n){ return d(n + 1); } d2(n){ if (n == 0) return 0; return 1 + d2(n - 1); } }";
  Job j = run(src, options);
  EXPECT_EQ(j.result.out, "RangeError\n40\n");
}

TEST(Interpreter, DeepRecursionThroughCallbacksIsStopped) {
  Job j = run("m{ main(){ f(); } f(){ return [1].map(x => f()); } }");
  EXPECT_EQ(j.result.status, 70);
  EXPECT_NE(j.result.err.find("RangeError"), std::string::npos);
}

TEST(Interpreter, BinaryGarbageIsASyntaxError) {
  std::string garbage("\x00\xff\xfe\x01m{\x80\x81 main(", 14);
  Job j = run(garbage);
  EXPECT_EQ(j.result.status, 65);
  EXPECT_NE(j.result.err.find("SyntaxError"), std::string::npos);
}

TEST(Interpreter, DeeplyNestedExpressionIsASyntaxErrorNotACrash) {
  std::string src = "m{ main(){ x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "; } }";
  Job j = run(src);
  EXPECT_EQ(j.result.status, 65);
  EXPECT_NE(j.result.err.find("nesting too deep"), std::string::npos);
}

TEST(Interpreter, StepBudgetEndsEndlessLoops) {
  anarchy::RunOptions options;
  options.step_budget = 1000;
  Job j = run("m{ main(){ while (true) { } } }", options);
  EXPECT_EQ(j.result.status, 70);
  EXPECT_NE(j.result.err.find("budget"), std::string::npos);
}

TEST(Heap, CyclicGarbageIsReclaimedByTheCollector) {
  Job j = run(
      "m{ main(){ for (i = 0; i < 1000; i++) { a = []; b = {x: a}; a.push(b); } print(\"ok\"); } }");
  EXPECT_EQ(j.result.out, "ok\n");
  EXPECT_GE(j.stats.collected_objects, 2000u);
  EXPECT_GE(j.stats.collections, 1u);
}

// Counts every allocation and free the heap reports through its single entry point.
struct AllocationCounter : aiprof::instrumentation::InterpreterObserver {
  int64_t live_count = 0, live_bytes = 0, peak_bytes = 0;
  void on_allocate(aiprof::instrumentation::ObjectType, size_t bytes) override {
    ++live_count;
    live_bytes += static_cast<int64_t>(bytes);
    peak_bytes = std::max(peak_bytes, live_bytes);
  }
  void on_free(aiprof::instrumentation::ObjectType, size_t bytes, uint32_t) override {
    --live_count;
    live_bytes -= static_cast<int64_t>(bytes);
  }
};

TEST(Heap, EverythingAllocatedIsFreedWhenTheInterpreterEnds) {
  AllocationCounter counter;
  aiprof::instrumentation::attach_observer(&counter, aiprof::instrumentation::kHookAllocate);
  Job j = run("m{ main(){ keep = []; for (i = 0; i < 100; i++) { keep.push({n: i, self: keep}); }"
              " print(len(keep)); } }");
  aiprof::instrumentation::attach_observer(nullptr, 0);
  EXPECT_EQ(j.result.out, "100\n");
  EXPECT_EQ(counter.live_count, 0);
  EXPECT_EQ(counter.live_bytes, 0);
  EXPECT_GE(counter.peak_bytes, 100 * 16);
  // The heap's own figures agree with what the hook saw while it ran.
  EXPECT_GE(j.stats.peak_bytes, static_cast<uint64_t>(100 * 16));
}

TEST(Heap, FreeingALongChainDoesNotRecurse) {
  Job j = run("m{ main(){ head = null; for (i = 0; i < 300000; i++) { head = {next: head}; } head = null; print(\"freed\"); } }");
  EXPECT_EQ(j.result.out, "freed\n");
  EXPECT_EQ(j.result.status, 0);
}

TEST(Imports, MissingFileAndCycleAreImportErrors) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "anarchy_import_test";
  fs::create_directories(dir);
  std::ofstream(dir / "a.ai") << "import \"b.ai\";\na{ main(){ print(1); } }\n";
  std::ofstream(dir / "b.ai") << "import \"a.ai\";\nb{ f(){ return 2; } }\n";
  std::ofstream(dir / "c.ai") << "import \"missing.ai\";\nc{ main(){ } }\n";
  Job cycle = run("import \"b.ai\";\na{ main(){ print(1); } }\n", {}, (dir / "a.ai").string());
  EXPECT_EQ(cycle.result.status, 70);
  EXPECT_NE(cycle.result.err.find("ImportError: import cycle"), std::string::npos) << cycle.result.err;
  Job missing = run("import \"missing.ai\";\nc{ main(){ } }\n", {}, (dir / "c.ai").string());
  EXPECT_EQ(missing.result.status, 70);
  EXPECT_NE(missing.result.err.find("ImportError"), std::string::npos) << missing.result.err;
  fs::remove_all(dir);
}

TEST(Interpreter, FileAccessCanBeDisabled) {
  anarchy::RunOptions options;
  options.allow_file_io = false;
  Job j = run("m{ main(){ try { write(\"x.txt\", \"y\"); } catch (e) { print(e.type); } } }", options);
  EXPECT_EQ(j.result.out, "IOError\n");
  EXPECT_FALSE(std::filesystem::exists("x.txt"));
}

}  // namespace

// anarchy report IN.json [-o OUT]... [--format NAME] [--top N] [--verbose]
//                                                         another format from a JSON report
// anarchy report diff BASE.json NEW.json [--json] [-o DIFF.folded] [--force]
// anarchy report diff BASE1.json BASE2.json ... --new NEW1.json NEW2.json ... [...]
// anarchy report merge A.json B.json ... [-o ALL.json]... [--format NAME]
//
// Every input is read and checked, and every output's format and folder too, before anything
// is written; a bad input or flag is one line on stderr naming the file and the problem, exit
// status 2, and no file written. Outputs are written whole or not at all (write_file_atomically).
// Without -o, the report is text (or --format) on stdout.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "aiprof/report/diff.hpp"
#include "aiprof/report/json_reader.hpp"
#include "aiprof/report/merge.hpp"
#include "aiprof/report/output_file.hpp"
#include "aiprof/report/report_writer.hpp"
#include "commands.hpp"
#include "messages.hpp"

namespace anarchy::cli {

namespace rep = aiprof::report;

namespace {

// A usage or input problem: one line, exit status 2, nothing written.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConvertRequest {
  std::string input;
  std::vector<std::string> outputs;
  std::string format;
  rep::RenderOptions render;  // --top, --verbose (the text report)
};

struct DiffRequest {
  std::vector<std::string> base, next;  // the positionals, and --new's files
  bool json = false;
  bool force = false;
  std::string folded;
};

struct MergeRequest {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string format;
  rep::RenderOptions render;
};

// An output file and the bytes it will get.
struct PendingOutput {
  std::string path;
  std::string content;
};

std::string known_formats_text() {
  std::string known;
  for (const std::string& f : rep::known_formats()) known += (known.empty() ? "" : ", ") + f;
  return known;
}

// The writer for an output: --format when given, else the file's extension.
std::unique_ptr<rep::ReportWriter> writer_for(const std::string& path, const std::string& format) {
  if (!format.empty()) {
    auto writer = rep::writer_for_format(format);
    if (!writer)
      throw ReportError("--format must be one of " + known_formats_text() + " (not '" + format +
                        "')");
    return writer;
  }
  std::optional<std::string> by_extension = rep::format_for_path(path);
  if (!by_extension)
    throw ReportError("cannot tell the report format of '" + path +
                      "' from its extension (known: " + known_formats_text() +
                      "; or give --format)");
  return rep::writer_for_format(*by_extension);
}

void check_folder_writable(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (::access(folder.c_str(), W_OK) != 0)
    throw ReportError("cannot write '" + path + "': folder '" + folder.string() + "' " +
                      (::access(folder.c_str(), F_OK) != 0 ? "does not exist" : "is not writable"));
}

// Checked before any input is read: a long read is not wasted on an unusable -o.
void check_outputs(const std::vector<std::string>& outputs, const std::string& format) {
  if (!format.empty()) writer_for("", format);
  for (const std::string& path : outputs) {
    writer_for(path, format);
    check_folder_writable(path);
  }
}

rep::Profile read_input(const std::string& path) {
  try {
    return rep::read_json_profile(path);
  } catch (const rep::ProfileReadError& e) {
    throw ReportError(e.what());
  }
}

// Renders every output in memory, so a failing writer leaves no file behind.
std::vector<PendingOutput> render_outputs(const rep::Profile& profile,
                                          const std::vector<std::string>& outputs,
                                          const std::string& format,
                                          const rep::RenderOptions& render) {
  std::vector<PendingOutput> pending;
  for (const std::string& path : outputs)
    pending.push_back({path, writer_for(path, format)->render(profile, render)});
  return pending;
}

void write_outputs(const std::vector<PendingOutput>& outputs) {
  for (const PendingOutput& o : outputs) {
    try {
      rep::write_file_atomically(o.path, o.content);
    } catch (const rep::OutputError& e) {
      throw ReportError(e.what());
    }
  }
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// The profile's report: into each -o file, or on stdout (text, or --format) without one.
void emit(const rep::Profile& profile, const std::vector<std::string>& outputs,
          const std::string& format, const rep::RenderOptions& render) {
  if (outputs.empty()) {
    print(rep::writer_for_format(format.empty() ? "text" : format)->render(profile, render));
    return;
  }
  write_outputs(render_outputs(profile, outputs, format, render));
}

void convert(const ConvertRequest& req) {
  if (req.input.empty())
    throw ReportError(
        "give a JSON report to convert, or 'diff' or 'merge' (see 'anarchy report --help')");
  check_outputs(req.outputs, req.format);
  emit(read_input(req.input), req.outputs, req.format, req.render);
}

// The runs of each side: BASE NEW, or BASE... --new NEW...
std::pair<std::vector<std::string>, std::vector<std::string>> diff_sides(const DiffRequest& req) {
  if (!req.next.empty()) {
    if (req.base.empty()) throw ReportError("give the base runs before --new");
    return {req.base, req.next};
  }
  if (req.base.size() != 2)
    throw ReportError(
        "give BASE.json NEW.json, or several runs a side: BASE1.json BASE2.json "
        "... --new NEW1.json NEW2.json ... (" +
        std::to_string(req.base.size()) + " files given)");
  return {{req.base[0]}, {req.base[1]}};
}

std::vector<rep::Profile> read_inputs(const std::vector<std::string>& paths) {
  std::vector<rep::Profile> profiles;
  for (const std::string& path : paths) profiles.push_back(read_input(path));
  return profiles;
}

void diff(const DiffRequest& req) {
  auto [base_paths, next_paths] = diff_sides(req);
  if (!req.folded.empty()) check_folder_writable(req.folded);
  std::vector<rep::Profile> base = read_inputs(base_paths), next = read_inputs(next_paths);
  std::optional<std::string> problem =
      rep::diff_incompatibility(base, base_paths, next, next_paths);
  if (problem && !req.force) throw ReportError(*problem);
  rep::ProfileDiff d = rep::diff_runs(base, next);
  if (problem) {
    d.warnings.insert(d.warnings.begin(), "compared anyway (--force): " + *problem);
    std::fprintf(stderr, "anarchy report diff: warning: %s\n", d.warnings.front().c_str());
  }
  std::string folded = req.folded.empty() ? "" : rep::diff_folded(base, next);
  print(req.json ? rep::diff_json(d) : rep::diff_text(d));
  if (!req.folded.empty()) write_outputs({{req.folded, folded}});
}

void merge(const MergeRequest& req) {
  check_outputs(req.outputs, req.format);
  std::vector<rep::Profile> profiles;
  for (const std::string& path : req.inputs) profiles.push_back(read_input(path));
  emit(rep::merge_profiles(profiles, req.inputs), req.outputs, req.format, req.render);
}

// Runs one of the above; a ReportError or a writer's failure is one line and exit status 2.
template <typename Request>
int run(const char* command, void (*action)(const Request&), const Request& req) {
  try {
    action(req);
    return 0;
  } catch (const ReportError& e) {
    print_message(std::string("anarchy ") + command, e.what());
  } catch (const std::exception& e) {
    print_message(std::string("anarchy ") + command, e.what());
  }
  return kExitUsage;
}

CLI::App* add_diff(CLI::App& report, DiffRequest& req) {
  CLI::App* cmd = report.add_subcommand(
      "diff",
      "What got slower or faster, per function (self time), and whether it is significant.\n"
      "  anarchy report diff BASE.json NEW.json\n"
      "  anarchy report diff BASE1.json BASE2.json ... --new NEW1.json NEW2.json ...\n"
      "Several runs a side are tested across runs (Welch's t, Holm-adjusted p < 0.01, and a\n"
      "change of 10% or more). With one run a side, run-to-run variation is unknown: only 2x\n"
      "changes are flagged (3x on the wall clock), sampled ones also by a Poisson test. Profiles\n"
      "whose mode, clock or granularity differ are refused unless --force. See\n"
      "docs/report-schema.md");
  cmd->add_flag("--json", req.json, "Print a JSON object (sides, rule, rows) instead of the table");
  cmd->add_flag("--force", req.force,
                "Compare profiles whose mode, clock or granularity differ (refused otherwise)");
  cmd->add_option("-o,--output", req.folded,
                  "Also write the differential folded stacks (for flamegraph.pl) to this file");
  cmd->add_option("--new", req.next,
                  "The new runs (JSON reports); the files before are the base runs");
  cmd->add_option("files", req.base, "BASE.json NEW.json, or the base runs when --new is given");
  return cmd;
}

// --top and --verbose: how the text report is laid out.
void add_text_options(CLI::App& cmd, rep::RenderOptions& render) {
  cmd.add_option("--top", render.top_functions,
                 "Rows of the text report's Top Functions table (default 20)")
      ->check(CLI::Range(1u, 100000u));
  cmd.add_flag("--verbose", render.verbose,
               "Text report: add the sampler's and the spans' clocks, costs, per-thread figures "
               "and internal notes, and the system");
  cmd.add_flag("--lines", render.folded_lines,
               "Folded stacks: each guest frame with the line it stood at (m.f:12; sampled)");
}

CLI::App* add_merge(CLI::App& report, MergeRequest& req) {
  CLI::App* cmd = report.add_subcommand(
      "merge", "Many profiles into one: anarchy report merge A.json B.json ... -o ALL.json");
  cmd->add_option("-o,--output", req.outputs, "Report file, format by extension; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--format", req.format, "Output format, whatever the extension");
  cmd->add_option("files", req.inputs, "The profiles (JSON reports)")->required();
  add_text_options(*cmd, req.render);
  return cmd;
}

}  // namespace

Action add_report_command(CLI::App& app) {
  auto convert_req = std::make_shared<ConvertRequest>();
  auto diff_req = std::make_shared<DiffRequest>();
  auto merge_req = std::make_shared<MergeRequest>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Turn a JSON report into another format: anarchy report IN.json -o OUT [--format F]"
      "; or: anarchy report diff|merge ...");
  cmd->require_subcommand(0, 1);
  cmd->add_option("-o,--output", convert_req->outputs,
                  "Report file, format by extension; repeatable (default: text on stdout)")
      ->allow_extra_args(false);
  cmd->add_option("--format", convert_req->format, "Output format, whatever the extension");
  cmd->add_option("file", convert_req->input, "The JSON report to read");
  add_text_options(*cmd, convert_req->render);
  CLI::App* diff_cmd = add_diff(*cmd, *diff_req);
  CLI::App* merge_cmd = add_merge(*cmd, *merge_req);
  return [=]() {
    if (diff_cmd->parsed()) return run("report diff", diff, *diff_req);
    if (merge_cmd->parsed()) return run("report merge", merge, *merge_req);
    return run("report", convert, *convert_req);
  };
}

}  // namespace anarchy::cli

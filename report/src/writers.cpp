// The table of formats: add a writer here (and its file) to add a format.
#include <array>

#include "aiprof/report/report_writer.hpp"

namespace aiprof::report {

namespace {

struct FormatEntry {
  std::string_view name;
  std::string_view extension;
  std::unique_ptr<ReportWriter> (*make)();
};

// Matched by extension in this order: longer extensions (".speedscope.json") before the
// ones they end with (".json").
constexpr std::array<FormatEntry, 7> kFormats{{
    {"text", ".txt", make_text_writer},
    {"folded", ".folded", make_folded_writer},
    {"speedscope", ".speedscope.json", make_speedscope_writer},
    {"chrome-trace", ".trace.json", make_chrome_trace_writer},
    {"pprof", ".pb.gz", make_pprof_writer},
    {"json", ".json", make_json_writer},
    {"html", ".html", make_html_writer},
}};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::unique_ptr<ReportWriter> writer_for_format(std::string_view format) {
  for (const FormatEntry& f : kFormats)
    if (f.name == format) return f.make();
  return nullptr;
}

std::optional<std::string> format_for_path(std::string_view path) {
  for (const FormatEntry& f : kFormats)
    if (ends_with(path, f.extension)) return std::string(f.name);
  return std::nullopt;
}

bool format_needs_timeline(std::string_view format) {
  return format == "chrome-trace" || format == "speedscope";
}

std::vector<std::string> known_formats() {
  std::vector<std::string> names;
  for (const FormatEntry& f : kFormats)
    names.push_back(std::string(f.name) + " (" + std::string(f.extension) + ")");
  return names;
}

}  // namespace aiprof::report

// The text report (the default output): the answer first (a few header lines, the Top
// Functions table, the call graph), then memory, operation counts, user metrics and what the
// profiler cost. Every line fits 100 columns. One section per file: text_report_*.cpp.
#include "aiprof/report/report_writer.hpp"
#include "expression_sites_text.hpp"
#include "text_report_parts.hpp"

namespace aiprof::report {

namespace {

class TextWriter final : public ReportWriter {
 public:
  std::string render(const Profile& p, const RenderOptions& options) const override {
    std::string out;
    text::header(p, out);
    text::top_functions(p, options, out);
    expression_sites_table(p, options.top_functions, out);
    text::hot_lines(p, options, out);
    text::call_graph(p, options, out);
    text::memory(p, out);
    text::live_heap(p, out);
    text::operations(p, out);
    text::custom_metrics(p, out);
    text::profiler_details(p, options, out);
    return out;
  }
  std::string_view format_name() const override { return "text"; }
};

}  // namespace

std::unique_ptr<ReportWriter> make_text_writer() { return std::make_unique<TextWriter>(); }

}  // namespace aiprof::report

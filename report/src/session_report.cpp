#include "aiprof/report/session_report.hpp"

namespace aiprof::report {

SessionReportGenerator::SessionReportGenerator(instrumentation::ReportFormat format, RunInfo run)
    : format_(format),
      run_(std::move(run)),
      writer_(writer_for_format(instrumentation::to_string(format))) {}

std::string SessionReportGenerator::generate_report(
    const instrumentation::ProfilingSession& session) const {
  return writer_->render(profile_from_session(session, run_),
                         render_options_for(session.config.output));
}

RenderOptions render_options_for(const instrumentation::OutputOptions& output) {
  RenderOptions options;
  options.max_call_stack_depth = output.max_call_stack_depth;
  return options;
}

}  // namespace aiprof::report

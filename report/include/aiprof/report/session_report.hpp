// The report library's side of Profiler::generate_report: a ReportGenerator that converts the
// session (profile_from_session) and renders it with one writer.
#pragma once

#include <memory>

#include "aiprof/instrumentation/profiler.hpp"
#include "aiprof/report/from_exact.hpp"
#include "aiprof/report/report_writer.hpp"

namespace aiprof::report {

class SessionReportGenerator final : public instrumentation::ReportGenerator {
 public:
  // Render options come from the session's OutputOptions; `run` adds what the session lacks.
  SessionReportGenerator(instrumentation::ReportFormat format, RunInfo run);
  std::string generate_report(const instrumentation::ProfilingSession& session) const override;
  instrumentation::ReportFormat format() const override { return format_; }

 private:
  instrumentation::ReportFormat format_;
  RunInfo run_;
  std::unique_ptr<ReportWriter> writer_;
};

RenderOptions render_options_for(const instrumentation::OutputOptions& output);

}  // namespace aiprof::report

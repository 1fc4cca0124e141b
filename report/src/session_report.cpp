#include "aiprof/report/session_report.hpp"

namespace aiprof::report {

RenderOptions render_options_for(const instrumentation::OutputOptions& output) {
  RenderOptions options;
  options.max_call_stack_depth = output.max_call_stack_depth;
  return options;
}

}  // namespace aiprof::report

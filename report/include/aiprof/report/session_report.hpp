// The render options an exact session's OutputOptions ask for.
#pragma once

#include "aiprof/instrumentation/config.hpp"
#include "aiprof/report/report_writer.hpp"

namespace aiprof::report {

RenderOptions render_options_for(const instrumentation::OutputOptions& output);

}  // namespace aiprof::report

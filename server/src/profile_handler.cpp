// GET /debug/pprof/profile?seconds=N[&rate=HZ][&clock=cpu|wall][&native=1]: a sampled profile
// of the next N seconds (less if the program exits first), as gzipped profile.proto with Go's
// CPU sample types (samples/count, cpu/nanoseconds; wall/nanoseconds on the wall clock). Its
// comment states the rate asked and delivered; the X-Aiprof-Rate header says the same.
// GET /debug/aiprof/profile?seconds=N[&clock=..][&mode=sampling]: the same window as our
// lossless JSON report, which `anarchy report` renders to any format.
#include <fmt/format.h>

#include "aiprof/report/report_writer.hpp"
#include "aiprof/server/query.hpp"
#include "handlers.hpp"
#include "window_profile.hpp"

namespace aiprof::server {

namespace {

// The window a profile query asks for, as a Profile; false when the response already says why
// there is none.
bool take_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res,
                  report::Profile* out) {
  auto parsed = parse_profile_query(req.params);
  if (const std::string* bad = std::get_if<std::string>(&parsed)) {
    answer_text(res, 400, *bad);
    return false;
  }
  const ProfileQuery& q = std::get<ProfileQuery>(parsed);
  LiveProgram::Refusal why{};
  std::optional<Window> window = live.take_window(std::chrono::seconds(q.seconds), q.clock, &why,
                                                  WindowOptions{q.rate_hz, q.native});
  if (!window) {
    if (why == LiveProgram::Refusal::NativeUnavailable)
      answer_text(res, 501, fmt::format("native=1: native frames cannot be recorded in this "
                                        "process ({})", live.native_problem()));
    else
      answer_refusal(res, why);
    return false;
  }
  *out = build_window_profile(*window, live.info());
  // The rate asked and what the window got, also for clients that read no profile comment.
  res.set_header("X-Aiprof-Rate",
                 fmt::format("asked={:.0f}; sampled={:.0f}; delivered={:.1f}", window->asked_rate_hz,
                             window->session.config.rate_hz,
                             out->sampling ? out->sampling->rate_delivered_hz : 0.0));
  return true;
}

}  // namespace

void serve_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res) {
  report::Profile profile;
  if (!take_profile(live, req, res, &profile)) return;
  res.set_header("Content-Disposition", "attachment; filename=\"profile\"");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(report::make_pprof_writer()->render(profile, {}), "application/octet-stream");
}

void serve_aiprof_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res) {
  std::string mode = req.has_param("mode") ? req.get_param_value("mode") : "sampling";
  if (mode == "hybrid")
    return answer_text(res, 501, "mode=hybrid: exact spans for a live window are not built yet");
  if (mode != "sampling")
    return answer_text(res, 400, fmt::format("mode: '{}' is not sampling or hybrid", mode));
  report::Profile profile;
  if (!take_profile(live, req, res, &profile)) return;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(report::make_json_writer()->render(profile, {}), "application/json");
}

}  // namespace aiprof::server

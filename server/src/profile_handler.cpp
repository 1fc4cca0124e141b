// GET /debug/pprof/profile?seconds=N[&rate=HZ][&clock=cpu|wall][&native=1]: a sampled profile
// of the next N seconds (less if the program exits first), as gzipped profile.proto with Go's
// CPU sample types (samples/count, cpu/nanoseconds; wall/nanoseconds on the wall clock).
// GET /debug/aiprof/profile?seconds=N[&clock=..][&mode=sampling]: the same window as our
// lossless JSON report, which `anarchy report` renders to any format.
#include <fmt/format.h>

#include "aiprof/report/report_writer.hpp"
#include "aiprof/server/query.hpp"
#include "handlers.hpp"
#include "window_profile.hpp"

namespace aiprof::server {

namespace {

// What the live samplers cannot do yet: a reason, or "".
std::string not_built(const ProfileQuery& q) {
  if (q.native)
    return "native=1: native frames are not built for the live endpoint yet "
           "(anarchy profile --native records them)";
  if (q.rate_hz != kServedRateHz)
    return fmt::format("rate={}: the live samplers run at {} Hz only; other rates are not built "
                       "yet", q.rate_hz, kServedRateHz);
  return "";
}

}  // namespace

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
  if (std::string reason = not_built(q); !reason.empty()) {
    answer_text(res, 501, reason);
    return false;
  }
  LiveProgram::Refusal why{};
  std::optional<Window> window = live.take_window(std::chrono::seconds(q.seconds), q.clock, &why);
  if (!window) {
    answer_refusal(res, why);
    return false;
  }
  *out = build_window_profile(*window, live.info());
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

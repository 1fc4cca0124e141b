// GET /debug/pprof/profile?seconds=N[&rate=HZ][&clock=cpu|wall][&native=1]: a sampled profile
// of the next N seconds (less if the program exits first), as gzipped profile.proto with Go's
// CPU sample types (samples/count, cpu/nanoseconds; wall/nanoseconds on the wall clock).
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

void serve_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_profile_query(req.params);
  if (const std::string* bad = std::get_if<std::string>(&parsed)) return answer_text(res, 400, *bad);
  const ProfileQuery& q = std::get<ProfileQuery>(parsed);
  if (std::string reason = not_built(q); !reason.empty()) return answer_text(res, 501, reason);
  LiveProgram::Refusal why{};
  std::optional<Window> window = live.take_window(std::chrono::seconds(q.seconds), q.clock, &why);
  if (!window) return answer_refusal(res, why);
  report::Profile profile = build_window_profile(*window, live.info());
  res.set_header("Content-Disposition", "attachment; filename=\"profile\"");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(report::make_pprof_writer()->render(profile, {}), "application/octet-stream");
}

}  // namespace aiprof::server

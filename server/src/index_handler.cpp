// GET /debug/pprof/: every path with a sentence about it (as net/http/pprof's index), as HTML
// for a browser (by its Accept header) and as plain text otherwise.
#include <fmt/format.h>

#include "handlers.hpp"

namespace aiprof::server {

namespace {

struct Entry {
  const char* path;
  const char* status;  // "" when served
  const char* sentence;
};

constexpr Entry kEntries[] = {
    {"profile", "", "CPU profile of the next N seconds (?seconds=30&clock=cpu|wall), gzipped profile.proto; go tool pprof reads it"},
    {"goroutine", "", "the guest stack of every interpreter thread now: a profile, or text with ?debug=1|2"},
    {"stacks", "", "the guest stack of every interpreter thread now, as text with source locations"},
    {"../aiprof/profile", "", "the same window as aiprof's lossless JSON (?seconds=N), for anarchy report"},
    {"heap", "", "sampled allocations still in use (inuse_space by default) and since start (alloc_space), by call path; 501 when allocation sampling is off"},
    {"allocs", "", "the same profile with alloc_space as its default"},
    {"delta_heap", "", "heap, with the allocations since the previous delta_heap request (Pyroscope's godeltaprof_memory)"},
    {"mutex", "404", "no such profile in this runtime"},
    {"block", "404", "no such profile in this runtime"},
    {"threadcreate", "404", "no such profile in this runtime"},
};

// "/debug/pprof/profile"; the index links the one path outside /debug/pprof/ relatively.
std::string full_path(std::string_view path) {
  if (path.substr(0, 3) == "../") return fmt::format("/debug/{}", path.substr(3));
  return fmt::format("/debug/pprof/{}", path);
}

std::string as_text() {
  std::string out = "aiprof: the /debug/pprof endpoints of this Anarchy program\n\n";
  for (const Entry& e : kEntries)
    out += fmt::format("{:<26} {}{}\n", full_path(e.path),
                       *e.status ? fmt::format("[{}] ", e.status) : "", e.sentence);
  return out;
}

std::string as_html() {
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/debug/pprof/</title></head>"
      "<body>\n<h1>/debug/pprof/</h1>\n<p>The pprof endpoints of this Anarchy program "
      "(aiprof).</p>\n<table>\n";
  for (const Entry& e : kEntries)
    out += fmt::format("<tr><td><a href=\"{0}\">{0}</a></td><td>{1}</td><td>{2}</td></tr>\n",
                       e.path, e.status, e.sentence);
  return out + "</table>\n</body></html>\n";
}

}  // namespace

void serve_index(const httplib::Request& req, httplib::Response& res) {
  bool browser = req.get_header_value("Accept").find("text/html") != std::string::npos;
  res.set_header("X-Content-Type-Options", "nosniff");
  if (browser)
    res.set_content(as_html(), "text/html; charset=utf-8");
  else
    res.set_content(as_text(), "text/plain; charset=utf-8");
}

}  // namespace aiprof::server

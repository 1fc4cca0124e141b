// The plain answers: one-line errors, and the profile kinds this runtime does not serve (a
// status and a sentence, never a fake profile).
#include <map>

#include "handlers.hpp"

namespace aiprof::server {

void answer_text(httplib::Response& res, int status, const std::string& line) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(line + "\n", "text/plain; charset=utf-8");
}

void answer_refusal(httplib::Response& res, LiveProgram::Refusal why) {
  if (why == LiveProgram::Refusal::NativeUnavailable)
    return answer_text(res, 501, "native=1: native frames cannot be recorded in this process");
  answer_text(res, 503,
              why == LiveProgram::Refusal::Finished
                  ? "the program has finished: there is nothing left to profile"
                  : "the program has not started yet: try again in a moment");
}

bool serve_unavailable(const std::string& name, httplib::Response& res) {
  struct Status {
    int code;
    const char* sentence;
  };
  static const std::map<std::string, Status> statuses = {
      {"heap", {501, "allocation sampling is off in this program (its embedder gave the server no LiveHeap): no heap profile"}},
      {"allocs", {501, "allocation sampling is off in this program (its embedder gave the server no LiveHeap): no allocation profile"}},
      {"delta_heap", {501, "allocation sampling is off in this program (its embedder gave the server no LiveHeap): no heap profile"}},
      {"mutex", {404, "the Anarchy runtime has no mutexes: there is no mutex profile (switch it off in the scrape configuration)"}},
      {"block", {404, "the Anarchy runtime has no blocking primitives: there is no block profile (switch it off in the scrape configuration)"}},
      {"threadcreate", {404, "the Anarchy interpreter runs one guest thread and creates none: there is no threadcreate profile"}},
  };
  auto it = statuses.find(name);
  if (it == statuses.end()) return false;
  answer_text(res, it->second.code, it->second.sentence);
  return true;
}

}  // namespace aiprof::server

// The live side's flags, shared by `anarchy run` and `anarchy profile`: --pprof-http and the
// snapshot flags (--profile-every, --profile-dir, --profile-keep, --profile-json), checked and
// started through aiprof::serve before the program runs (a bad value or a port in use is exit
// 2 and the program never starts). Not async-signal-safe.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aiprof/server/serve.hpp"

namespace anarchy::cli {

struct LiveRequest {
  std::string pprof_http;     // HOST:PORT ("" = no endpoint)
  std::string profile_every;  // DURATION ("" = windows end only on SIGUSR2 and at exit)
  std::string profile_dir;    // "" = no snapshots
  std::optional<uint32_t> profile_keep;
  bool profile_json = false;
  // Mean bytes between sampled allocations for the heap endpoints (`run --heap-rate`); 0: they
  // answer 501 (`anarchy profile` keeps its own heap sampling for its reports).
  uint64_t heap_rate = 0;
  bool any() const { return !pprof_http.empty() || !profile_dir.empty(); }
};

// Registers the flags on `cmd`.
void add_live_options(CLI::App* cmd, LiveRequest& req);

// nullptr when nothing live is asked for. Otherwise the serving handle, its address and
// snapshot folder announced on stderr; or, when something is wrong (--profile-every without
// --profile-dir, an unparsable duration, a folder that cannot be written, a port in use), a
// one-line *problem and nullptr, with *failed set.
std::unique_ptr<aiprof::Serving> start_live(const LiveRequest& req, const std::string& program,
                                            const std::map<std::string, std::string>& labels,
                                            std::string* problem, bool* failed);

}  // namespace anarchy::cli

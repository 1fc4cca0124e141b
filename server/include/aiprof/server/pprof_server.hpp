// The pprof HTTP endpoint (issue 15): Go's net/http/pprof URL scheme, served from inside a
// running program, so `go tool pprof`, Pyroscope and Parca work unchanged.
//
//   LiveProgram live({file, labels});
//   std::string problem;
//   auto server = PprofServer::start({"127.0.0.1", 0}, live, &problem);  // null: see problem
//   ... run the program (attached to `live`) ...
//   server->stop();
//
// The server's threads are never registered with a sampler: they are not guest work.
// Limits: kWorkers connections served at once, kMaxQueued more accepted and waiting, the
// library's 8 KiB header and URI limits, and a read/write timeout per connection, so a slow
// or flooding client cannot hold the server.
// Thread-safe: start() and stop(). Not async-signal-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "aiprof/server/listen_address.hpp"
#include "aiprof/server/live_heap.hpp"
#include "aiprof/server/live_program.hpp"

namespace aiprof::server {

constexpr size_t kWorkers = 6;
constexpr size_t kMaxQueued = 32;
constexpr int kReadTimeoutSeconds = 5;
constexpr int kWriteTimeoutSeconds = 5;

class PprofServer {
 public:
  // Binds and starts serving. nullptr, with *problem a one-line reason (e.g. the port is in
  // use), when it cannot listen. With `heap`, /debug/pprof/heap, /allocs and /delta_heap serve
  // its sampled allocations (it must outlive the server); without, they answer 501.
  static std::unique_ptr<PprofServer> start(const ListenAddress& address, LiveProgram& live,
                                            std::string* problem, LiveHeap* heap = nullptr);
  ~PprofServer();  // stop()
  PprofServer(const PprofServer&) = delete;
  PprofServer& operator=(const PprofServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  // Stops accepting and finishes the requests in flight (each bounded by the timeouts).
  void stop();

  struct Impl;

 private:
  explicit PprofServer(std::unique_ptr<Impl> impl, uint16_t port, std::string host);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
  std::string host_;
};

}  // namespace aiprof::server

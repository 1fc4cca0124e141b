// `--pprof-http HOST:PORT`: where the endpoint listens. Plain parsing; not async-signal-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aiprof::server {

struct ListenAddress {
  std::string host = "127.0.0.1";  // loopback unless another address is given explicitly
  uint16_t port = 0;               // 0: the system picks a free port
};

// "127.0.0.1:6060", "localhost:0", "[::1]:6060", ":6060" (host left out: loopback). Returns
// nullopt and sets *problem to a one-line reason for anything else.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* problem);

}  // namespace aiprof::server

#include "aiprof/server/listen_address.hpp"

#include <charconv>

namespace aiprof::server {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* problem) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    *problem = "expected HOST:PORT (e.g. 127.0.0.1:6060, or 127.0.0.1:0 for any free port)";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535) {
    *problem = "the port must be a number from 0 to 65535 (not '" + std::string(port) + "')";
    return std::nullopt;
  }
  ListenAddress address;
  if (!host.empty()) address.host = std::string(host);
  address.port = static_cast<uint16_t>(value);
  return address;
}

}  // namespace aiprof::server

#include "aiprof/server/pprof_server.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include <sys/socket.h>

#include <fmt/format.h>
#include <httplib.h>

#include "bounded_task_queue.hpp"
#include "handlers.hpp"

namespace aiprof::server {

namespace {

constexpr const char* kPrefix = "/debug/pprof/";

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

std::map<std::string, Handler> endpoints(LiveProgram& live, LiveHeap* heap) {
  using namespace std::placeholders;
  std::map<std::string, Handler> routes = {
      {"", serve_index},
      {"profile", std::bind(serve_profile, std::ref(live), _1, _2)},
      {"stacks", std::bind(serve_stacks, std::ref(live), _1, _2)},
      {"goroutine", std::bind(serve_goroutine, std::ref(live), _1, _2)},
  };
  if (heap)  // without one, serve_unavailable says why there is no heap profile
    for (auto [name, view] : {std::pair{"heap", HeapView::Heap}, {"allocs", HeapView::Allocs},
                              {"delta_heap", HeapView::Delta}})
      routes[name] = [heap, &live, view = view](const httplib::Request& req,
                                                 httplib::Response& res) {
        serve_heap(*heap, live, view, req, res);
      };
  return routes;
}

}  // namespace

struct PprofServer::Impl {
  httplib::Server http;
  std::map<std::string, Handler> routes;
  Handler aiprof_profile;  // /debug/aiprof/profile
  std::thread listener;

  // Every request goes through here: GET only, then the route table, then the statuses.
  httplib::Server::HandlerResponse route(const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET") {
      res.set_header("Allow", "GET");
      answer_text(res, 405, fmt::format("method {} not allowed: the endpoint answers GET only",
                                        req.method));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path == "/debug/aiprof/profile") {
      aiprof_profile(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    std::string path = req.path == "/debug/pprof" ? kPrefix : req.path;
    if (path.rfind(kPrefix, 0) == 0) {
      std::string name = path.substr(std::string(kPrefix).size());
      if (auto it = routes.find(name); it != routes.end()) {
        it->second(req, res);
        return httplib::Server::HandlerResponse::Handled;
      }
      if (serve_unavailable(name, res)) return httplib::Server::HandlerResponse::Handled;
    }
    answer_text(res, 404, fmt::format("no such endpoint: {} (see {})", req.path, kPrefix));
    return httplib::Server::HandlerResponse::Handled;
  }

  void configure() {
    http.new_task_queue = [] { return new BoundedTaskQueue(kWorkers, kMaxQueued); };
    http.set_read_timeout(kReadTimeoutSeconds, 0);
    http.set_write_timeout(kWriteTimeoutSeconds, 0);
    http.set_keep_alive_timeout(2);
    http.set_keep_alive_max_count(16);
    http.set_payload_max_length(4096);
    // The library's default also sets SO_REUSEPORT, which lets a second process bind a port in
    // use (and steal half its connections): SO_REUSEADDR only, so a busy port is refused.
    http.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });  // GET carries no body; refuse big ones unread
    http.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return route(req, res); });
  }
};

std::unique_ptr<PprofServer> PprofServer::start(const ListenAddress& address, LiveProgram& live,
                                                std::string* problem, LiveHeap* heap) {
  auto impl = std::make_unique<Impl>();
  impl->routes = endpoints(live, heap);
  impl->aiprof_profile = [&live](const httplib::Request& req, httplib::Response& res) {
    serve_aiprof_profile(live, req, res);
  };
  impl->configure();
  int port = address.port;
  if (port == 0) {
    port = impl->http.bind_to_any_port(address.host);
    if (port < 0) port = -1;
  } else if (!impl->http.bind_to_port(address.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    *problem = fmt::format("cannot listen on {}:{} (the port is in use, or the host is not an "
                           "address of this machine)", address.host, address.port);
    return nullptr;
  }
  Impl* raw = impl.get();
  impl->listener = std::thread([raw] { raw->http.listen_after_bind(); });
  return std::unique_ptr<PprofServer>(
      new PprofServer(std::move(impl), static_cast<uint16_t>(port), address.host));
}

PprofServer::PprofServer(std::unique_ptr<Impl> impl, uint16_t port, std::string host)
    : impl_(std::move(impl)), port_(port), host_(std::move(host)) {}

PprofServer::~PprofServer() { stop(); }

std::string PprofServer::url() const {
  bool ipv6 = host_.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", ipv6 ? "[" : "", host_, ipv6 ? "]" : "", port_);
}

void PprofServer::stop() {
  if (!impl_->listener.joinable()) return;
  // httplib's stop() does nothing before the listener has started running: wait for it (it
  // starts at once after a successful bind).
  for (int i = 0; i < 2000 && !impl_->http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
  impl_->listener.join();
}

}  // namespace aiprof::server

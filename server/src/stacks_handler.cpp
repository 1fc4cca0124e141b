// GET /debug/pprof/stacks and /debug/pprof/goroutine: the guest stack of every interpreter
// thread now. Text (stacks, goroutine?debug=1|2, as Go prints them), or a pprof profile with
// one sample per thread (goroutine). A frame's location is where its function is defined
// (the line a frame is executing is written by the program's thread without synchronisation,
// so another thread does not read it).
#include <fmt/format.h>

#include "aiprof/report/report_writer.hpp"
#include "aiprof/server/query.hpp"
#include "handlers.hpp"

namespace aiprof::server {

namespace {

namespace inst = instrumentation;

std::string location_of(const inst::FunctionInfo& f) {
  if (f.file.empty()) return f.kind == inst::FrameKind::GC ? "(collector)" : "(built-in)";
  return fmt::format("{}:{}", f.file, f.line);
}

std::string stack_note(const ThreadStack& t) {
  std::string note;
  if (t.truncated) note += fmt::format(" (outermost frames past {} left out)", kMaxStackFrames);
  if (t.unsettled) note += " (the stack kept changing while it was read: it may be inexact)";
  return note;
}

// goroutine?debug=2 and stacks: one block per thread, innermost frame first.
std::string per_thread_text(const std::vector<ThreadStack>& threads) {
  std::string out;
  for (size_t i = 0; i < threads.size(); ++i) {
    const ThreadStack& t = threads[i];
    out += fmt::format("thread {} \"{}\" [running]:{}\n", i + 1, t.thread_name, stack_note(t));
    if (t.frames.empty()) out += "(no guest frames: between statements or not in guest code)\n";
    for (auto f = t.frames.rbegin(); f != t.frames.rend(); ++f)
      out += fmt::format("{}\n\t{}\n", f->name, location_of(*f));
    out += "\n";
  }
  return out;
}

// goroutine?debug=1: identical stacks counted together.
std::string counted_text(const std::vector<ThreadStack>& threads) {
  std::map<std::vector<std::string>, std::pair<int, const ThreadStack*>> counts;
  for (const ThreadStack& t : threads) {
    std::vector<std::string> key;
    for (const auto& f : t.frames) key.push_back(f.name + "@" + location_of(f));
    auto& entry = counts[key];
    entry.first++;
    entry.second = &t;
  }
  std::string out = fmt::format("goroutine profile: total {}\n", threads.size());
  for (const auto& [key, entry] : counts) {
    out += fmt::format("{} @", entry.first);
    for (auto f = entry.second->frames.rbegin(); f != entry.second->frames.rend(); ++f)
      out += " " + f->name;
    out += "\n";
    for (auto f = entry.second->frames.rbegin(); f != entry.second->frames.rend(); ++f)
      out += fmt::format("#\t{}\t{}\n", f->name, location_of(*f));
    out += "\n";
  }
  return out;
}

// The child of `parent` for `frame`, made when missing.
uint32_t child_node(report::Profile& p, uint32_t parent, uint32_t frame) {
  for (uint32_t c : p.nodes[parent].children)
    if (p.nodes[c].frame == frame) return c;
  report::CallNode node;
  node.frame = frame;
  node.parent = parent;
  p.nodes.push_back(node);
  uint32_t id = static_cast<uint32_t>(p.nodes.size() - 1);
  p.nodes[parent].children.push_back(id);
  return id;
}

uint32_t frame_index(report::Profile& p, const inst::FunctionInfo& f) {
  for (uint32_t i = 0; i < p.frames.size(); ++i)
    if (p.frames[i].name == f.name && p.frames[i].file == f.file && p.frames[i].line == f.line)
      return i;
  p.frames.push_back({f.name, f.file, f.line, f.kind, f.column});
  return static_cast<uint32_t>(p.frames.size() - 1);
}

// goroutine (no debug): a profile with one sample per thread, counted per stack.
report::Profile stacks_profile(const std::vector<ThreadStack>& threads, const LiveProgram& live) {
  report::Profile p;
  p.mode = "sampling";
  p.program = live.info().program;
  p.labels = live.info().labels;
  p.time_measured = false;
  p.frames.push_back({"<root>", "", 0, report::FrameKind::Root, 0});
  p.nodes.emplace_back();
  p.sampling.emplace();  // rate 0: one column, samples/count, and no period
  p.sampling->clock = "wall";
  p.sampling->samples = threads.size();
  for (const ThreadStack& t : threads) {
    uint32_t node = 0;
    for (const auto& f : t.frames) node = child_node(p, node, frame_index(p, f));
    p.nodes[node].samples_self++;
    for (uint32_t n = node; n != report::kNoNode; n = p.nodes[n].parent) p.nodes[n].samples_inclusive++;
  }
  return p;
}

std::optional<std::vector<ThreadStack>> read_stacks(LiveProgram& live, httplib::Response& res) {
  LiveProgram::Refusal why{};
  auto threads = live.thread_stacks(&why);
  if (!threads) answer_refusal(res, why);
  return threads;
}

}  // namespace

void serve_stacks(LiveProgram& live, const httplib::Request&, httplib::Response& res) {
  auto threads = read_stacks(live, res);
  if (!threads) return;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(per_thread_text(*threads), "text/plain; charset=utf-8");
}

void serve_goroutine(LiveProgram& live, const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_goroutine_query(req.params);
  if (const std::string* bad = std::get_if<std::string>(&parsed)) return answer_text(res, 400, *bad);
  int debug = std::get<GoroutineQuery>(parsed).debug;
  auto threads = read_stacks(live, res);
  if (!threads) return;
  res.set_header("X-Content-Type-Options", "nosniff");
  if (debug == 0) {
    res.set_header("Content-Disposition", "attachment; filename=\"goroutine\"");
    res.set_content(report::make_pprof_writer()->render(stacks_profile(*threads, live), {}),
                    "application/octet-stream");
  } else {
    res.set_content(debug == 1 ? counted_text(*threads) : per_thread_text(*threads),
                    "text/plain; charset=utf-8");
  }
}

}  // namespace aiprof::server

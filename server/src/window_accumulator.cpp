#include "window_accumulator.hpp"

#include <algorithm>
#include <vector>

namespace aiprof::server {

namespace {

namespace sam = sampler;

// Slack for "the figures' wall time fits in the step": the sampler's clocks and the step's
// are read at slightly different moments.
constexpr uint64_t kStepSlackNs = 250'000'000;

uint64_t minus(uint64_t now, uint64_t before) { return now > before ? now - before : 0; }

void add_counts(sam::ThreadFigures& into, const sam::ThreadFigures& step) {
  into.ticks += step.ticks;
  into.samples += step.samples;
  into.dropped += step.dropped;
  into.unsettled += step.unsettled;
  into.missed += step.missed;
  into.late += step.late;
  into.throttled += step.throttled;
  into.truncated += step.truncated;
  into.native_failures += step.native_failures;
  into.handler_ns += step.handler_ns;
  into.cpu_ns += step.cpu_ns;
  into.wall_ns += step.wall_ns;
  into.source = step.source;  // what fed it at the end
  into.signalled = step.signalled;
}

void add_notes(std::vector<std::string>& into, const std::vector<std::string>& notes) {
  for (const std::string& note : notes)
    if (std::find(into.begin(), into.end(), note) == into.end()) into.push_back(note);
}

}  // namespace

sam::ThreadFigures step_figures(const sam::ThreadFigures& now, const sam::ThreadFigures* previous,
                                uint64_t step_ns) {
  if (!previous || now.wall_ns <= step_ns + kStepSlackNs) return now;
  sam::ThreadFigures d = now;
  d.ticks = minus(now.ticks, previous->ticks);
  d.samples = minus(now.samples, previous->samples);
  d.dropped = minus(now.dropped, previous->dropped);
  d.unsettled = minus(now.unsettled, previous->unsettled);
  d.missed = minus(now.missed, previous->missed);
  d.late = minus(now.late, previous->late);
  d.throttled = minus(now.throttled, previous->throttled);
  d.truncated = minus(now.truncated, previous->truncated);
  d.native_failures = minus(now.native_failures, previous->native_failures);
  d.handler_ns = minus(now.handler_ns, previous->handler_ns);
  d.cpu_ns = minus(now.cpu_ns, previous->cpu_ns);
  d.wall_ns = minus(now.wall_ns, previous->wall_ns);
  return d;
}

// Each stack of the step, re-added to the window's trie with its count.
void WindowAccumulator::add_stacks(const sam::SampledSession& step) {
  const auto& nodes = step.stacks.nodes();
  std::vector<uint32_t> guest;
  std::vector<uintptr_t> native_innermost_first;
  for (uint32_t i = 1; i < nodes.size(); ++i) {
    if (nodes[i].self_samples == 0) continue;
    guest.clear();
    native_innermost_first.clear();
    for (uint32_t n = i; n != sam::StackTrie::kRoot; n = nodes[n].parent) {
      if (sam::StackTrie::is_native(nodes[n].frame))
        native_innermost_first.push_back(sam::StackTrie::native_pc(nodes[n].frame));
      else
        guest.push_back(sam::StackTrie::guest_id(nodes[n].frame));
    }
    std::reverse(guest.begin(), guest.end());  // outermost first
    window_->session.stacks.add(guest.data(), static_cast<uint32_t>(guest.size()),
                                native_innermost_first.data(),
                                static_cast<uint32_t>(native_innermost_first.size()),
                                nodes[i].self_samples);
  }
}

void WindowAccumulator::add_threads(const sam::SampledSession& step, uint64_t step_ns) {
  std::vector<sam::ThreadFigures>& threads = window_->session.threads;
  for (const sam::ThreadFigures& now : step.threads) {
    auto last = last_reported_.find(now.tid);
    sam::ThreadFigures own =
        step_figures(now, last == last_reported_.end() ? nullptr : &last->second, step_ns);
    last_reported_[now.tid] = now;
    auto same = std::find_if(threads.begin(), threads.end(),
                             [&](const sam::ThreadFigures& t) { return t.tid == now.tid; });
    if (same == threads.end())
      threads.push_back(own);
    else
      add_counts(*same, own);
  }
}

void WindowAccumulator::add(Window step) {
  sam::SampledSession& s = step.session;
  if (!window_) {
    window_.emplace();
    window_->session.config = s.config;
    window_->start = step.start;
  }
  Pending& w = *window_;
  add_stacks(s);
  add_threads(s, step.duration_ns);
  // Timeline slices and heap points would grow with the window: not kept, counted as dropped.
  w.session.slices_dropped += s.slices.size() + s.slices_dropped;
  w.session.duration_ns += s.duration_ns;
  w.session.drain_ns += s.drain_ns;
  w.session.naming_ns += s.naming_ns;
  if (s.signal_cost_ns > 0) w.session.signal_cost_ns = s.signal_cost_ns;
  if (s.symbols) w.session.symbols = s.symbols;
  add_notes(w.session.notes, s.notes);
  functions_.emplace(step.functions);  // ids only grow: the latest names them all
  w.end = step.end;
  w.duration_ns += step.duration_ns;
  w.cut_short = step.cut_short;
  w.asked_rate_hz = step.asked_rate_hz;
  add_notes(w.notes, step.notes);
  ++steps_;
}

Window WindowAccumulator::take() {
  Pending& p = *window_;
  Window w{std::move(p.session), *functions_, p.start,         p.end,
           p.duration_ns,         p.cut_short,  p.asked_rate_hz, std::move(p.notes)};
  window_.reset();
  functions_.reset();
  steps_ = 0;
  return w;
}

}  // namespace aiprof::server

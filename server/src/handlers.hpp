// One small handler per endpoint (as net/http/pprof has). Each fills the response: status,
// content type and body. Run on the server's worker threads. Not async-signal-safe.
#pragma once

#include <string>

#include <httplib.h>

#include "aiprof/server/live_heap.hpp"
#include "aiprof/server/live_program.hpp"

namespace aiprof::server {

// A plain-text answer of one line (errors, statuses).
void answer_text(httplib::Response& res, int status, const std::string& line);
// 503 for a request that found no program to read.
void answer_refusal(httplib::Response& res, LiveProgram::Refusal why);

void serve_index(const httplib::Request& req, httplib::Response& res);
void serve_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res);
// GET /debug/aiprof/profile: the window as our lossless JSON.
void serve_aiprof_profile(LiveProgram& live, const httplib::Request& req, httplib::Response& res);
void serve_stacks(LiveProgram& live, const httplib::Request& req, httplib::Response& res);
void serve_goroutine(LiveProgram& live, const httplib::Request& req, httplib::Response& res);
// heap, allocs, delta_heap: the sampled allocations (heap_handlers.cpp).
enum class HeapView { Heap, Allocs, Delta };
void serve_heap(LiveHeap& heap, const LiveProgram& live, HeapView view,
                const httplib::Request& req, httplib::Response& res);
// heap, allocs, mutex, block, threadcreate: a status and a sentence, never a fake profile.
bool serve_unavailable(const std::string& name, httplib::Response& res);

}  // namespace aiprof::server

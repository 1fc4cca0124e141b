#include "aiprof/sampler/symbolizer.hpp"

#include "aiprof/sampler/namer_process.hpp"

#include <dlfcn.h>

#include <boost/stacktrace/frame.hpp>
#include <cstdio>
#include <filesystem>
#include <mutex>

namespace aiprof::sampler {

namespace {

// Boost.Stacktrace's libbacktrace state is one per process and not thread-safe: every
// look-up, from any Symbolizer, takes this lock.
std::mutex g_look_up_mutex;

}  // namespace

NativeSymbol look_up_in_this_process(uintptr_t address) {
  std::lock_guard<std::mutex> lock(g_look_up_mutex);
  boost::stacktrace::frame frame(reinterpret_cast<boost::stacktrace::frame::native_frame_ptr_t>(address));
  NativeSymbol symbol;
  symbol.name = frame.name();
  symbol.file = frame.source_file();
  symbol.line = static_cast<uint32_t>(frame.source_line());
  if (symbol.name.empty()) {
    Dl_info info{};
    char text[64];
    std::snprintf(text, sizeof text, "0x%zx", static_cast<size_t>(address));
    symbol.name = text;
    if (dladdr(reinterpret_cast<void*>(address), &info) && info.dli_fname)
      symbol.name += " (" + std::filesystem::path(info.dli_fname).filename().string() + ")";
  }
  return symbol;
}

const NativeSymbol& Symbolizer::resolve(uintptr_t pc, bool return_address) {
  uintptr_t address = return_address && pc > 0 ? pc - 1 : pc;
  auto it = cache_.find(address);
  if (it == cache_.end()) {
    std::optional<NativeSymbol> named = name_in_helper(address);
    it = cache_.emplace(address, named ? std::move(*named) : look_up_in_this_process(address)).first;
  }
  return it->second;
}

}  // namespace aiprof::sampler

#include "module_snapshot.hpp"

#include <dlfcn.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace aiprof::sampler::detail {

namespace {

using IterateFn = int (*)(int (*)(dl_phdr_info*, size_t, void*), void*);

// The definition dl_iterate_phdr calls would have reached without ours. (Looked up on first
// use; racing first uses find the same answer.)
std::atomic<IterateFn> g_real{nullptr};

IterateFn real_dl_iterate_phdr() {
  IterateFn real = g_real.load(std::memory_order_acquire);
  if (!real) {
    real = reinterpret_cast<IterateFn>(dlsym(RTLD_NEXT, "dl_iterate_phdr"));
    g_real.store(real, std::memory_order_release);
  }
  return real;
}

struct Snapshot {
  std::vector<dl_phdr_info> modules;
  unsigned long long adds = 0, subs = 0;  // the loader's load/unload counts when taken
};

// Published copies are never freed or changed: a handler may be walking an old one while a
// newer one is published. (A new one is made only when the loader's counts moved.)
std::atomic<const Snapshot*> g_current{nullptr};
std::mutex g_snapshot_mutex;
std::vector<std::unique_ptr<Snapshot>> g_all;  // under g_snapshot_mutex

int copy_module(dl_phdr_info* info, size_t size, void* data) {
  auto* snapshot = static_cast<Snapshot*>(data);
  dl_phdr_info copy{};
  copy.dlpi_addr = info->dlpi_addr;
  copy.dlpi_name = info->dlpi_name;  // the loader's own strings and headers: they live as long
  copy.dlpi_phdr = info->dlpi_phdr;  // as the module stays loaded
  copy.dlpi_phnum = info->dlpi_phnum;
  if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
    copy.dlpi_adds = info->dlpi_adds;
    copy.dlpi_subs = info->dlpi_subs;
    snapshot->adds = info->dlpi_adds;
    snapshot->subs = info->dlpi_subs;
  }
  if (size >= sizeof(dl_phdr_info)) {
    copy.dlpi_tls_modid = info->dlpi_tls_modid;
    copy.dlpi_tls_data = info->dlpi_tls_data;
  }
  snapshot->modules.push_back(copy);
  return 0;
}

}  // namespace

int call_real_dl_iterate_phdr(int (*callback)(dl_phdr_info*, size_t, void*), void* data) {
  IterateFn real = real_dl_iterate_phdr();
  return real ? real(callback, data) : 0;
}

void snapshot_loaded_modules() {
  auto fresh = std::make_unique<Snapshot>();
  if (IterateFn real = real_dl_iterate_phdr()) real(copy_module, fresh.get());
  std::lock_guard<std::mutex> lock(g_snapshot_mutex);
  const Snapshot* current = g_current.load(std::memory_order_relaxed);
  if (current && current->adds == fresh->adds && current->subs == fresh->subs &&
      current->modules.size() == fresh->modules.size())
    return;
  g_all.push_back(std::move(fresh));
  g_current.store(g_all.back().get(), std::memory_order_release);
}

bool iterate_module_snapshot(int (*callback)(dl_phdr_info*, size_t, void*), void* data,
                             int* result) {
  const Snapshot* snapshot = g_current.load(std::memory_order_acquire);
  if (!snapshot) return false;
  *result = 0;
  for (const dl_phdr_info& module : snapshot->modules) {
    dl_phdr_info copy = module;  // callbacks take a non-const pointer
    *result = callback(&copy, sizeof copy, data);
    if (*result != 0) break;
  }
  return true;
}

}  // namespace aiprof::sampler::detail

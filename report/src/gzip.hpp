// gzip compression (RFC 1952) through zlib, for formats stored gzipped (pprof).
#pragma once

#include <string>
#include <string_view>

namespace aiprof::report {

// The gzip file of `data`. Throws std::runtime_error if zlib fails (out of memory).
std::string gzip(std::string_view data);

}  // namespace aiprof::report

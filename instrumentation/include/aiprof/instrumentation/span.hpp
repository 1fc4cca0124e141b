// What a span is: its type, where it comes from, and the values a span or session can carry.
//
// Spans are identified on the hot path by a 64-bit SpanKey (type in the top byte, a
// type-specific id below), never by strings; names and locations are looked up once, after
// the run, through a SpanDescription per distinct key. Plain data, not async-signal-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "aiprof/instrumentation/frame_kind.hpp"

namespace aiprof::instrumentation {

// A span's type is the kind of frame it becomes (Builtin: payload is the built-in's frame id).
// Spans are never Native.
using SpanType = FrameKind;

struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

// What a key stands for, as reports show it.
struct SpanDescription {
  std::string name;  // "m.fib", "m.<init>", "Binary m.fib:4:12", "import lib/util.ai", "gc"
  SpanType type = SpanType::Custom;
  SourceLocation location;
};

// A span's identity: type in bits 56-63, a type-specific payload below (function id, interned
// name id, or an expression's node kind and position).
using SpanKey = uint64_t;

constexpr SpanKey span_key(SpanType type, uint64_t payload) {
  return (static_cast<uint64_t>(type) << 56) | (payload & ((uint64_t{1} << 56) - 1));
}
constexpr SpanType span_type_of(SpanKey key) { return static_cast<SpanType>(key >> 56); }
constexpr uint64_t span_payload(SpanKey key) { return key & ((uint64_t{1} << 56) - 1); }

// Expression spans: node kind (16 bits), line and column (20 bits each; larger values wrap,
// which can merge two far-apart expressions of one function into one node, never crash).
constexpr SpanKey expression_key(SpanType type, uint16_t node_kind, uint32_t line,
                                 uint32_t column) {
  return span_key(
      type, (uint64_t{node_kind} << 40) | (uint64_t{line & 0xFFFFFu} << 20) | (column & 0xFFFFFu));
}
constexpr uint16_t expression_kind(SpanKey key) {
  return static_cast<uint16_t>(span_payload(key) >> 40);
}
constexpr uint32_t expression_line(SpanKey key) {
  return static_cast<uint32_t>(span_payload(key) >> 20) & 0xFFFFFu;
}
constexpr uint32_t expression_column(SpanKey key) {
  return static_cast<uint32_t>(span_payload(key)) & 0xFFFFFu;
}

// A metric recorded on a span or on the session (record_metric). Numbers recorded several
// times on one call-tree node add up (the node aggregates many spans); text keeps the last.
using MetricValue = std::variant<int64_t, double, std::string>;

// Adds `more` to `into` when both are numbers; otherwise `more` replaces `into`.
void accumulate_metric(MetricValue& into, const MetricValue& more);
std::string metric_to_string(const MetricValue& value);

}  // namespace aiprof::instrumentation

// What a frame is, one enum for every layer: a FunctionRegistry entry (what the sampler's frame
// stack holds), an exact span (SpanType is this type) and a report's Frame all use it, so no
// layer converts kinds. Constants and a constexpr name: async-signal-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace aiprof::instrumentation {

// The first nine keep the order spans' keys have always had (a span key carries its kind in
// the top byte). Builtin: a built-in function or method called by guest code ("String.split",
// "Array.push", "print"), no file. GC: the cycle collector ("<gc>"). Native: a machine frame
// named by the sampler. Root: the report's call-tree root.
enum class FrameKind : uint8_t {
  Function,
  Expression,
  Block,
  Module,
  GC,
  Import,
  Custom,
  Root,
  Builtin,
  Native
};
constexpr FrameKind kLastFrameKind = FrameKind::Native;

// "function", "module", "gc", ...: how reports and the JSON schema name a kind.
constexpr const char* frame_kind_name(FrameKind kind) {
  switch (kind) {
    case FrameKind::Function: return "function";
    case FrameKind::Expression: return "expression";
    case FrameKind::Block: return "block";
    case FrameKind::Module: return "module";
    case FrameKind::GC: return "gc";
    case FrameKind::Import: return "import";
    case FrameKind::Custom: return "custom";
    case FrameKind::Root: return "root";
    case FrameKind::Builtin: return "builtin";
    case FrameKind::Native: return "native";
  }
  return "custom";
}

// The kind a name stands for (the inverse of frame_kind_name), or nothing.
constexpr std::optional<FrameKind> frame_kind_named(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(kLastFrameKind); ++k)
    if (name == frame_kind_name(static_cast<FrameKind>(k))) return static_cast<FrameKind>(k);
  return std::nullopt;
}

}  // namespace aiprof::instrumentation

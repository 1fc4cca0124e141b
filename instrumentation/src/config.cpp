#include "aiprof/instrumentation/config.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace aiprof::instrumentation {

namespace {

template <class Enum, size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<Granularity, 3> kGranularities{{{Granularity::Module, "module"},
                                                    {Granularity::Function, "function"},
                                                    {Granularity::Expression, "expression"}}};
constexpr NameTable<TimePrecision, 3> kPrecisions{{{TimePrecision::Nanoseconds, "nanoseconds"},
                                                   {TimePrecision::Microseconds, "microseconds"},
                                                   {TimePrecision::Milliseconds, "milliseconds"}}};
constexpr NameTable<TimeClock, 2> kClocks{{{TimeClock::Wall, "wall"}, {TimeClock::Cpu, "cpu"}}};
constexpr NameTable<TrackedOperation, 10> kOperations{{
    {TrackedOperation::Arithmetic, "arithmetic"},
    {TrackedOperation::Comparison, "comparison"},
    {TrackedOperation::Logical, "logical"},
    {TrackedOperation::String, "string"},
    {TrackedOperation::Array, "array"},
    {TrackedOperation::Object, "object"},
    {TrackedOperation::FunctionCall, "function_calls"},
    {TrackedOperation::VariableAccess, "variable_accesses"},
    {TrackedOperation::PropertyAccess, "property_accesses"},
    {TrackedOperation::StringDictionary, "string_dictionary"},
}};

template <class Enum, size_t N>
std::string_view name_of(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "?";
}

template <class Enum, size_t N>
std::optional<Enum> value_of(const NameTable<Enum, N>& table, std::string_view text) {
  for (const auto& [e, name] : table)
    if (name == text) return e;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Granularity value) { return name_of(kGranularities, value); }
std::string_view to_string(TimePrecision value) { return name_of(kPrecisions, value); }
std::string_view to_string(TimeClock value) { return name_of(kClocks, value); }
std::optional<TimeClock> parse_time_clock(std::string_view text) { return value_of(kClocks, text); }
std::string_view to_string(TrackedOperation value) { return name_of(kOperations, value); }
std::optional<Granularity> parse_granularity(std::string_view text) {
  return value_of(kGranularities, text);
}
std::optional<TimePrecision> parse_time_precision(std::string_view text) {
  return value_of(kPrecisions, text);
}
std::optional<TrackedOperation> parse_tracked_operation(std::string_view text) {
  return value_of(kOperations, text);
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  constexpr std::array<std::pair<std::string_view, double>, 4> kUnits{
      {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data() || !(number >= 0) || !std::isfinite(number))
    return std::nullopt;
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  double scale = unit.empty() ? 1.0 : 0.0;
  for (const auto& [name, factor] : kUnits)
    if (unit == name) scale = factor;
  if (scale == 0.0) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(number * scale)));
}

}  // namespace aiprof::instrumentation

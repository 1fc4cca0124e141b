// Config files for `anarchy profile`: TOML or JSON, by extension. Both are read into one JSON
// tree and applied by one table of keys, so the two spellings accept exactly the same options:
//
//   mode = "exact"                  granularity = "function"        enabled = true
//   outputs = ["prof.json"]
//   [time_profiling]       enabled, precision, clock (wall|cpu), min_duration ("250us" or
//                          nanoseconds), compensate
//   [memory_profiling]     enabled, track_allocations, track_deallocations, track_peak_memory
//   [operation_profiling]  enabled, tracked_operations (["arithmetic", "function_calls", ...])
//   [sampling]             rate (Hz), clock (cpu|wall), delivery (auto|signal|thread), native,
//                          jitter, max_stack
//   [timeline]             enabled, max_events (raw spans kept for .trace.json/.speedscope.json)
//   [output]               default_format, include_source_locations, include_system_info,
//                          max_call_stack_depth
#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "profile.hpp"

namespace anarchy::cli {

namespace inst = aiprof::instrumentation;
using Json = nlohmann::json;

namespace {

// [output] default_format: the report written on stderr when no -o is given, one of the report
// library's text formats.
std::optional<std::string> stderr_report_format(std::string_view name) {
  if (name != "text" && name != "json") return std::nullopt;
  return std::string(name);
}

// ---- reading: both formats become a JSON tree ----

Json from_toml(const toml::node& node);

Json from_toml_table(const toml::table& table) {
  Json out = Json::object();
  for (const auto& [key, value] : table) out[std::string(key.str())] = from_toml(value);
  return out;
}

Json from_toml(const toml::node& node) {
  if (const auto* t = node.as_table()) return from_toml_table(*t);
  if (const auto* a = node.as_array()) {
    Json out = Json::array();
    for (const toml::node& item : *a) out.push_back(from_toml(item));
    return out;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  return "<date/time>";  // no option takes one: the type check rejects it
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SettingsError("cannot read config file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Json parse_text(std::string_view text, const std::string& path) {
  if (ends_with(path, ".json")) {
    try {
      return Json::parse(text);
    } catch (const Json::exception& e) {  // parse_error, and out_of_range for 1e309
      throw SettingsError("config file '" + path + "' is not valid JSON: " + e.what());
    }
  }
  if (ends_with(path, ".toml")) {
    try {
      return from_toml_table(toml::parse(text, std::string_view(path)));
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw SettingsError("config file '" + path + "' is not valid TOML (line " +
                          std::to_string(where.line) + "): " + std::string(e.description()));
    }
  }
  throw SettingsError("config file '" + path + "' must end in .toml or .json");
}

// ---- applying: one setter per key ----

class Applier {
 public:
  Applier(const std::string& path, ProfileSettings& settings) : path_(path), s_(settings) {}

  void apply(const Json& root) {
    if (!root.is_object()) fail("", "must be a table of options");
    for (const auto& [key, value] : root.items()) {
      if (key == "time_profiling")
        section(key, value, time_keys());
      else if (key == "memory_profiling")
        section(key, value, memory_keys());
      else if (key == "operation_profiling")
        section(key, value, operation_keys());
      else if (key == "output")
        section(key, value, output_keys());
      else if (key == "sampling")
        section(key, value, sampling_keys());
      else if (key == "timeline")
        section(key, value, timeline_keys());
      else
        top_level(key, value);
    }
  }

 private:
  using Setter = std::function<void(const std::string& where, const Json& value)>;
  using Keys = std::map<std::string, Setter>;

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw SettingsError("config file '" + path_ +
                        "': " + (where.empty() ? "" : "'" + where + "' ") + what);
  }

  void section(const std::string& name, const Json& table, const Keys& keys) {
    if (!table.is_object()) fail(name, "must be a table");
    for (const auto& [key, value] : table.items()) {
      auto it = keys.find(key);
      if (it == keys.end()) fail(name + "." + key, "is not an option");
      it->second(name + "." + key, value);
    }
  }

  void top_level(const std::string& key, const Json& value) {
    if (key == "mode") {
      if (!parse_mode(text(key, value), s_.mode)) fail(key, "must be exact, sampling or hybrid");
    } else if (key == "granularity") {
      s_.profiler.granularity =
          choice(key, value, inst::parse_granularity, "function, expression or module");
    } else if (key == "enabled") {
      s_.profiler.enabled = boolean(key, value);
    } else if (key == "outputs") {
      s_.outputs.clear();
      for (const Json& item : list(key, value)) s_.outputs.push_back(text(key, item));
    } else {
      fail(key, "is not an option");
    }
  }

  Keys time_keys() {
    inst::TimeProfiling& t = s_.profiler.time_profiling;
    return {
        {"enabled", [&](const std::string& w, const Json& v) { t.enabled = boolean(w, v); }},
        {"precision",
         [&](const std::string& w, const Json& v) {
           t.precision = choice(w, v, inst::parse_time_precision,
                                "nanoseconds, microseconds or milliseconds");
         }},
        {"clock",
         [&](const std::string& w, const Json& v) {
           t.clock = choice(w, v, inst::parse_time_clock, "wall or cpu");
         }},
        {"min_duration",
         [&](const std::string& w, const Json& v) { t.min_duration = duration(w, v); }},
        {"compensate", [&](const std::string& w, const Json& v) { t.compensate = boolean(w, v); }},
    };
  }

  Keys memory_keys() {
    inst::MemoryProfiling& m = s_.profiler.memory_profiling;
    return {
        {"enabled", [&](const std::string& w, const Json& v) { m.enabled = boolean(w, v); }},
        {"track_allocations",
         [&](const std::string& w, const Json& v) { m.track_allocations = boolean(w, v); }},
        {"track_deallocations",
         [&](const std::string& w, const Json& v) { m.track_deallocations = boolean(w, v); }},
        {"track_peak_memory",
         [&](const std::string& w, const Json& v) { m.track_peak_memory = boolean(w, v); }},
    };
  }

  Keys operation_keys() {
    inst::OperationProfiling& o = s_.profiler.operation_profiling;
    return {
        {"enabled", [&](const std::string& w, const Json& v) { o.enabled = boolean(w, v); }},
        {"tracked_operations",
         [&](const std::string& w, const Json& v) {
           o.tracked_operations = inst::OperationSet::none();
           for (const Json& item : list(w, v))
             o.tracked_operations.add(choice(
                 w, item, inst::parse_tracked_operation,
                 "an operation (arithmetic, comparison, logical, string, array, object, "
                 "function_calls, variable_accesses, property_accesses, string_dictionary)"));
         }},
    };
  }

  Keys output_keys() {
    inst::OutputOptions& o = s_.profiler.output;
    return {
        {"default_format",
         [&](const std::string& w, const Json& v) {
           o.default_format = choice(w, v, stderr_report_format, "text or json");
         }},
        {"include_source_locations",
         [&](const std::string& w, const Json& v) { o.include_source_locations = boolean(w, v); }},
        {"include_system_info",
         [&](const std::string& w, const Json& v) { o.include_system_info = boolean(w, v); }},
        {"max_call_stack_depth",
         [&](const std::string& w, const Json& v) { o.max_call_stack_depth = count(w, v); }},
    };
  }

  Keys sampling_keys() {
    aiprof::sampler::SamplerConfig& c = s_.sampler;
    return {
        {"rate",
         [&](const std::string& w, const Json& v) {
           if (!v.is_number() || v.get<double>() < 1 || v.get<double>() > 100000)
             fail(w, "must be a rate from 1 to 100000 (Hz)");
           c.rate_hz = v.get<double>();
         }},
        {"clock",
         [&](const std::string& w, const Json& v) {
           c.clock = choice(w, v, aiprof::sampler::parse_sample_clock, "cpu or wall");
         }},
        {"delivery",
         [&](const std::string& w, const Json& v) {
           c.delivery = choice(w, v, aiprof::sampler::parse_delivery, "auto, signal or thread");
         }},
        {"native", [&](const std::string& w, const Json& v) { c.native = boolean(w, v); }},
        {"jitter", [&](const std::string& w, const Json& v) { c.jitter = boolean(w, v); }},
        {"max_stack", [&](const std::string& w, const Json& v) { c.max_stack = count(w, v); }},
    };
  }

  Keys timeline_keys() {
    inst::TimelineRecording& t = s_.profiler.timeline;
    return {
        {"enabled", [&](const std::string& w, const Json& v) { t.enabled = boolean(w, v); }},
        {"max_events", [&](const std::string& w, const Json& v) { t.max_events = count(w, v); }},
    };
  }

  bool boolean(const std::string& where, const Json& v) const {
    if (!v.is_boolean()) fail(where, "must be true or false");
    return v.get<bool>();
  }
  std::string text(const std::string& where, const Json& v) const {
    if (!v.is_string()) fail(where, "must be a string");
    return v.get<std::string>();
  }
  const Json& list(const std::string& where, const Json& v) const {
    if (!v.is_array()) fail(where, "must be a list");
    return v;
  }
  uint32_t count(const std::string& where, const Json& v) const {
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1000000)
      fail(where, "must be a whole number from 1 to 1000000");
    return v.get<uint32_t>();
  }
  std::chrono::nanoseconds duration(const std::string& where, const Json& v) const {
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
      return std::chrono::nanoseconds(v.get<int64_t>());
    if (v.is_string())
      if (auto d = inst::parse_duration(v.get<std::string>())) return *d;
    fail(where, "must be a duration such as \"250us\", \"2ms\" or a number of nanoseconds");
  }
  template <class Parse>
  auto choice(const std::string& where, const Json& v, Parse parse, const char* expected) const ->
      typename std::invoke_result_t<Parse, std::string_view>::value_type {
    if (v.is_string())
      if (auto value = parse(v.get<std::string>())) return *value;
    fail(where, std::string("must be ") + expected);
  }

  const std::string& path_;
  ProfileSettings& s_;
};

}  // namespace

void apply_config_file(const std::string& path, ProfileSettings& settings) {
  apply_config_text(read_text(path), path, settings);
}

void apply_config_text(std::string_view text, const std::string& path, ProfileSettings& settings) {
  Applier(path, settings).apply(parse_text(text, path));
}

const char* mode_name(ProfileMode mode) {
  switch (mode) {
    case ProfileMode::Exact:
      return "exact";
    case ProfileMode::Sampling:
      return "sampling";
    case ProfileMode::Hybrid:
      return "hybrid";
  }
  return "?";
}

bool parse_mode(const std::string& text, ProfileMode& mode) {
  for (ProfileMode m : {ProfileMode::Exact, ProfileMode::Sampling, ProfileMode::Hybrid})
    if (text == mode_name(m)) {
      mode = m;
      return true;
    }
  return false;
}

}  // namespace anarchy::cli

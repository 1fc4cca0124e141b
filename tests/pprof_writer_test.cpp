// The pprof writer: the bytes are gzip (inflated here with zlib) holding a profile.proto
// message, decoded here by a small independent protobuf reader and checked field by field:
// sample types, one sample per call path with its leaf-first locations and values, labels,
// functions and locations, period, duration and start time. (tests/pprof_reader.sh has
// `go tool pprof` read a real file.)
#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <string>
#include <vector>

#include "aiprof/report/report_writer.hpp"
#include "format_fixtures.hpp"

namespace aiprof::report {
namespace {

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);  // gzip only
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[4096];
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(status, Z_STREAM_END) << "not a complete gzip stream";
  return out;
}

// A decoded message: field number -> its values in order (varints, or raw bytes).
struct Message {
  std::multimap<uint32_t, uint64_t> varints;
  std::multimap<uint32_t, std::string> bytes;
  std::vector<uint64_t> all(uint32_t f) const {
    std::vector<uint64_t> v;
    for (auto [it, end] = varints.equal_range(f); it != end; ++it) v.push_back(it->second);
    return v;
  }
  uint64_t one(uint32_t f) const {
    auto v = all(f);
    return v.empty() ? 0 : v.back();
  }
  std::vector<std::string> messages(uint32_t f) const {
    std::vector<std::string> v;
    for (auto [it, end] = bytes.equal_range(f); it != end; ++it) v.push_back(it->second);
    return v;
  }
};

uint64_t read_varint(const std::string& s, size_t& i) {
  uint64_t value = 0;
  for (int shift = 0; i < s.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(s[i++]);
    value |= uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return value;
  }
  ADD_FAILURE() << "truncated varint";
  return value;
}

Message decode(const std::string& s) {
  Message m;
  for (size_t i = 0; i < s.size();) {
    uint64_t tag = read_varint(s, i);
    auto field = static_cast<uint32_t>(tag >> 3);
    if ((tag & 7) == 0) {
      m.varints.emplace(field, read_varint(s, i));
    } else if ((tag & 7) == 2) {
      uint64_t n = read_varint(s, i);
      EXPECT_LE(i + n, s.size()) << "length past the end";
      m.bytes.emplace(field, s.substr(i, n));
      i += n;
    } else {
      ADD_FAILURE() << "unexpected wire type " << (tag & 7);
      break;
    }
  }
  return m;
}

std::vector<uint64_t> unpack(const std::string& packed) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < packed.size();) v.push_back(read_varint(packed, i));
  return v;
}

// The profile, resolved: strings, value types, and each sample as function names root first.
struct Decoded {
  Message profile;
  std::vector<std::string> strings;
  std::vector<std::pair<std::string, std::string>> types;
  std::map<std::string, std::vector<int64_t>> samples;               // "a;b;c" -> values
  std::map<std::string, std::map<std::string, std::string>> labels;  // path -> labels
  std::map<uint64_t, Message> functions, locations;
};

std::string resolve_path(const Decoded& d, const std::vector<uint64_t>& location_ids) {
  std::string path;
  for (auto it = location_ids.rbegin(); it != location_ids.rend(); ++it) {
    const Message& location = d.locations.at(*it);
    Message line = decode(location.messages(4).at(0));
    const Message& function = d.functions.at(line.one(1));
    path += (path.empty() ? "" : ";") + d.strings.at(function.one(2));
  }
  return path;
}

// (by_function_path false: samples are left to the caller, whose paths may repeat by name.)
Decoded decode_profile(const std::string& gz, bool by_function_path = true) {
  Decoded d;
  d.profile = decode(gunzip(gz));
  d.strings = d.profile.messages(6);
  for (const std::string& t : d.profile.messages(1)) {
    Message vt = decode(t);
    d.types.emplace_back(d.strings.at(vt.one(1)), d.strings.at(vt.one(2)));
  }
  for (const std::string& f : d.profile.messages(5)) {
    Message m = decode(f);
    d.functions[m.one(1)] = m;
  }
  for (const std::string& l : d.profile.messages(4)) {
    Message m = decode(l);
    d.locations[m.one(1)] = m;
  }
  for (const std::string& s : d.profile.messages(2)) {
    if (!by_function_path) break;
    Message sample = decode(s);
    std::string path = resolve_path(d, unpack(sample.messages(1).at(0)));
    EXPECT_EQ(d.samples.count(path), 0u) << "two samples for " << path;
    std::vector<int64_t> values;
    for (uint64_t v : unpack(sample.messages(2).at(0))) values.push_back(static_cast<int64_t>(v));
    d.samples[path] = values;
    for (const std::string& l : sample.messages(3)) {
      Message label = decode(l);
      d.labels[path][d.strings.at(label.one(1))] = d.strings.at(label.one(2));
    }
  }
  return d;
}

std::string render(const Profile& p) { return writer_for_format("pprof")->render(p, {}); }

TEST(PprofWriter, IsGzip) {
  std::string gz = render(format_fixtures::exact_profile());
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(gz[1]), 0x8b);
}

TEST(PprofWriter, ExactProfileHasSelfTimeAndAllocationsPerPath) {
  Decoded d = decode_profile(render(format_fixtures::exact_profile()));
  ASSERT_FALSE(d.strings.empty());
  EXPECT_EQ(d.strings[0], "");
  std::vector<std::pair<std::string, std::string>> types{
      {"wall", "nanoseconds"}, {"alloc_objects", "count"}, {"alloc_space", "bytes"}};
  EXPECT_EQ(d.types, types);
  std::map<std::string, std::vector<int64_t>> expected{
      {"<root>", {2000, 0, 0}},
      {"m.main", {2000, 5, 320}},
      {"m.main;m.parse", {3000, 0, 0}},
      {"m.main;m.parse;m.lex", {3000, 2, 64}},
      {"m.main;m.parse;m.lex;memcpy", {500, 0, 0}},
      {"m.main;odd;name x\n", {3000, 0, 0}},
  };
  EXPECT_EQ(d.samples, expected);
  EXPECT_EQ(d.strings.at(d.profile.one(14)), "wall");  // default_sample_type
  EXPECT_EQ(d.profile.one(10), 14000u);                // duration_nanos
  EXPECT_EQ(d.profile.one(9), 1714564800250000000u);   // time_nanos of the start time
  EXPECT_TRUE(d.profile.messages(11).empty()) << "no period without a sampler";
}

TEST(PprofWriter, FunctionsCarryNameFileAndLine) {
  Decoded d = decode_profile(render(format_fixtures::exact_profile()));
  bool found = false;
  for (const auto& [id, f] : d.functions) {
    if (d.strings.at(f.one(2)) != "m.parse") continue;
    found = true;
    EXPECT_EQ(d.strings.at(f.one(4)), "demo.ai");
    EXPECT_EQ(f.one(5), 10u);
    const Message& location = d.locations.at(id);
    EXPECT_EQ(decode(location.messages(4).at(0)).one(2), 10u);  // Line.line
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(d.functions.size(), 6u);  // root, main, parse, lex, memcpy, odd
}

TEST(PprofWriter, LabelsAreOnEverySample) {
  Decoded d = decode_profile(render(format_fixtures::exact_profile()));
  ASSERT_EQ(d.labels.size(), d.samples.size());
  for (const auto& [path, labels] : d.labels) {
    std::map<std::string, std::string> expected{{"host", "ci"}, {"run", "7"}};
    EXPECT_EQ(labels, expected) << path;
  }
}

TEST(PprofWriter, SampledProfileCountsSamplesAndTheirTime) {
  Decoded d = decode_profile(render(format_fixtures::sampled_profile()));
  std::vector<std::pair<std::string, std::string>> types{{"samples", "count"},
                                                         {"cpu", "nanoseconds"},
                                                         {"alloc_objects", "count"},
                                                         {"alloc_space", "bytes"}};
  EXPECT_EQ(d.types, types);
  EXPECT_EQ(d.samples["m.main;m.parse;m.lex"], (std::vector<int64_t>{6, 6000000, 2, 64}));
  EXPECT_EQ(d.samples.count("<root>"), 0u);  // nothing to say about the root
  Message period_type = decode(d.profile.messages(11).at(0));
  EXPECT_EQ(d.strings.at(period_type.one(1)), "cpu");
  EXPECT_EQ(d.strings.at(period_type.one(2)), "nanoseconds");
  EXPECT_EQ(d.profile.one(12), 1000000u);  // one sample per millisecond
}

// Sampled lines: their samples go out per line path, each Location with the line its frame
// stood at (pprof -lines, -list); what is not sampled (allocations) stays on the call path,
// at the function's line.
TEST(PprofWriter, SampledLinesGoOutWithTheLineOfEachFrame) {
  Decoded d = decode_profile(render(format_fixtures::sampled_profile_with_lines()), false);
  std::map<std::string, std::vector<int64_t>> by_lines;
  for (const std::string& s : d.profile.messages(2)) {
    Message sample = decode(s);
    std::vector<uint64_t> ids = unpack(sample.messages(1).at(0));
    std::string path;
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      const Message& location = d.locations.at(*it);
      ASSERT_EQ(location.messages(4).size(), 1u);
      Message line = decode(location.messages(4).at(0));
      path += (path.empty() ? "" : ";") + d.strings.at(d.functions.at(line.one(1)).one(2)) +
              ":" + std::to_string(line.one(2));
    }
    std::vector<int64_t> values;
    for (uint64_t v : unpack(sample.messages(2).at(0))) values.push_back(static_cast<int64_t>(v));
    by_lines[path] = values;
  }
  // samples, cpu ns, alloc_objects, alloc_space
  std::map<std::string, std::vector<int64_t>> expected{
      {"m.main:5", {3, 3000000, 0, 0}},
      {"m.main:6", {1, 1000000, 0, 0}},
      {"m.main:5;m.parse:12", {2, 2000000, 0, 0}},
      {"m.main:5;m.parse:13;m.lex:21", {6, 6000000, 0, 0}},
      {"m.main:5;m.parse:13;m.lex:21;memcpy:0", {1, 1000000, 0, 0}},
      {"m.main:6;odd;name x\n:31", {2, 2000000, 0, 0}},
      {"m.main:3", {0, 0, 5, 320}},                    // allocations, at the function's line
      {"m.main:3;m.parse:10;m.lex:20", {0, 0, 2, 64}},
  };
  EXPECT_EQ(by_lines, expected);
}

TEST(PprofWriter, WithoutMemoryThereAreNoAllocationColumns) {
  Profile p = format_fixtures::exact_profile();
  p.memory.measured = false;
  Decoded d = decode_profile(render(p));
  ASSERT_EQ(d.types.size(), 1u);
  EXPECT_EQ(d.types[0].first, "wall");
  EXPECT_EQ(d.samples["m.main"], (std::vector<int64_t>{2000}));
}

TEST(PprofWriter, IsFoundByNameAndExtension) {
  EXPECT_EQ(format_for_path("cpu.pb.gz"), "pprof");
  ASSERT_NE(writer_for_format("pprof"), nullptr);
}

}  // namespace
}  // namespace aiprof::report

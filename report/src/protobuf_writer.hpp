// A minimal protocol-buffers encoder: the two wire types profile.proto needs (varints, and
// length-delimited strings, nested messages and packed repeated varints). A message is built
// field by field into bytes; a nested message is built on its own writer and then added.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aiprof::report {

class ProtobufWriter {
 public:
  // Wire type 0: uint64, and int64/bool as their two's-complement value (proto's int64, not
  // sint64). Zero is written too; callers leave out fields they want at their default.
  void varint(uint32_t field, uint64_t value);
  void int64(uint32_t field, int64_t value) { varint(field, static_cast<uint64_t>(value)); }
  // Wire type 2: a string, bytes, or an already encoded message.
  void bytes(uint32_t field, std::string_view value);
  void message(uint32_t field, const ProtobufWriter& m) { bytes(field, m.data()); }
  // A packed repeated varint field (proto3's default encoding of repeated scalars).
  void packed(uint32_t field, const std::vector<uint64_t>& values);

  const std::string& data() const { return out_; }

 private:
  enum WireType : uint32_t { kVarint = 0, kLengthDelimited = 2 };
  void tag(uint32_t field, WireType type) { raw_varint((uint64_t{field} << 3) | type); }
  void raw_varint(uint64_t value);
  std::string out_;
};

}  // namespace aiprof::report

#include "protobuf_writer.hpp"

namespace aiprof::report {

// Seven bits at a time, low first; the high bit says another byte follows.
void ProtobufWriter::raw_varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ProtobufWriter::varint(uint32_t field, uint64_t value) {
  tag(field, kVarint);
  raw_varint(value);
}

void ProtobufWriter::bytes(uint32_t field, std::string_view value) {
  tag(field, kLengthDelimited);
  raw_varint(value.size());
  out_.append(value);
}

void ProtobufWriter::packed(uint32_t field, const std::vector<uint64_t>& values) {
  ProtobufWriter body;
  for (uint64_t v : values) body.raw_varint(v);
  bytes(field, body.data());
}

}  // namespace aiprof::report

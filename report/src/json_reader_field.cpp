#include "json_reader_field.hpp"

#include <limits>

namespace aiprof::report::json_in {

void Field::fail_type(const char* what) const {
  throw FieldError(path_ + " must be " + what + " (found " + value_.type_name() + ")");
}

void Field::fail(const std::string& problem) const { throw FieldError(path_ + " " + problem); }

Field Field::operator[](const char* key) const {
  if (!value_.is_object()) fail_type("an object");
  auto it = value_.find(key);
  std::string path = path_.empty() ? key : path_ + "." + key;
  if (it == value_.end()) throw FieldError(path + " is missing");
  return Field(*it, std::move(path));
}

std::vector<Field> Field::elements() const {
  if (!value_.is_array()) fail_type("an array");
  std::vector<Field> out;
  out.reserve(value_.size());
  for (size_t i = 0; i < value_.size(); ++i)
    out.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]");
  return out;
}

std::string Field::string() const {
  if (!value_.is_string()) fail_type("a string");
  return value_.get<std::string>();
}

bool Field::boolean() const {
  if (!value_.is_boolean()) fail_type("true or false");
  return value_.get<bool>();
}

// nlohmann keeps non-negative integers as number_unsigned; anything else (a float, a
// negative number, an integer beyond 2^64 which it reads as a float) is not a u64.
uint64_t Field::u64() const {
  if (!value_.is_number_unsigned()) fail_type("a non-negative integer");
  return value_.get<uint64_t>();
}

uint32_t Field::u32() const {
  uint64_t v = u64();
  if (v > std::numeric_limits<uint32_t>::max()) fail("is " + std::to_string(v) + ", too large");
  return static_cast<uint32_t>(v);
}

int64_t Field::i64() const {
  if (value_.is_number_integer() && !value_.is_number_unsigned()) return value_.get<int64_t>();
  if (!value_.is_number_unsigned()) fail_type("an integer");
  uint64_t v = value_.get<uint64_t>();
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    fail("is " + std::to_string(v) + ", too large");
  return static_cast<int64_t>(v);
}

double Field::number() const {
  if (value_.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!value_.is_number()) fail_type("a number");
  return value_.get<double>();
}

std::map<std::string, uint64_t> Field::counts() const {
  if (!value_.is_object()) fail_type("an object");
  std::map<std::string, uint64_t> out;
  for (auto it = value_.begin(); it != value_.end(); ++it)
    out[it.key()] = Field(it.value(), path_ + "." + it.key()).u64();
  return out;
}

std::map<std::string, std::string> Field::strings() const {
  if (!value_.is_object()) fail_type("an object");
  std::map<std::string, std::string> out;
  for (auto it = value_.begin(); it != value_.end(); ++it)
    out[it.key()] = Field(it.value(), path_ + "." + it.key()).string();
  return out;
}

std::vector<std::string> Field::string_list() const {
  std::vector<std::string> out;
  for (const Field& e : elements()) out.push_back(e.string());
  return out;
}

uint32_t index_below(const Field& f, size_t size, const char* what) {
  uint32_t i = f.u32();
  if (i >= size)
    f.fail("is " + std::to_string(i) + ", but there " + (size == 1 ? "is " : "are ") +
           std::to_string(size) + " " + what);
  return i;
}

}  // namespace aiprof::report::json_in

// A JSON value together with its path ("nodes[3].parent"), so that every missing or mistyped
// field can be named in the error. Used by json_reader.cpp only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace aiprof::report::json_in {

using Json = nlohmann::json;

// A field that is missing, mistyped or inconsistent; the reader adds the file name.
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Field {
 public:
  Field(const Json& value, std::string path) : value_(value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const Json& json() const { return value_; }
  bool is_null() const { return value_.is_null(); }

  // A member that must be there (and this an object).
  Field operator[](const char* key) const;
  // The elements of an array.
  std::vector<Field> elements() const;

  std::string string() const;
  bool boolean() const;
  uint64_t u64() const;
  uint32_t u32() const;
  int64_t i64() const;
  // Any JSON number; null reads as NaN (JSON writes a non-finite double as null).
  double number() const;
  // u64(), or 0 when null (a figure that was not measured).
  uint64_t u64_or_zero() const { return is_null() ? 0 : u64(); }

  std::map<std::string, uint64_t> counts() const;      // object: name -> u64
  std::map<std::string, std::string> strings() const;  // object: name -> string
  std::vector<std::string> string_list() const;        // array of strings

  // Throws FieldError "PATH must be WHAT (found TYPE)".
  [[noreturn]] void fail_type(const char* what) const;
  // Throws FieldError "PATH PROBLEM".
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  const Json& value_;
  std::string path_;
};

// An index field that must be below `size` (the length of what it points into).
uint32_t index_below(const Field& f, size_t size, const char* what);

}  // namespace aiprof::report::json_in

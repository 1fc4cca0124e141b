// The string dictionaries of LANGUAGE.md section 7: named tables of key -> text, one active.
// Nothing here is async-signal-safe.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "anarchy/interpreter/value.hpp"

namespace anarchy {

class StringDictionary {
 public:
  StringDictionary() { use("default"); }

  // Switches the active dictionary, creating it if new.
  void use(const std::string& name) { active_ = &tables_[name]; active_name_ = name; }
  const std::string& active_name() const { return active_name_; }

  void set(const std::string& key, Value text) { (*active_)[key] = std::move(text); }
  // The stored string value, or nullptr when the key is missing.
  const Value* get(const std::string& key) const {
    auto it = active_->find(key);
    return it == active_->end() ? nullptr : &it->second;
  }
  // Active table in key order of insertion is not kept; keys are sorted for stable output.
  const std::map<std::string, Value>& active() const { return *active_; }
  void clear() { tables_.clear(); use("default"); }

 private:
  std::unordered_map<std::string, std::map<std::string, Value>> tables_;
  std::map<std::string, Value>* active_ = nullptr;
  std::string active_name_;
};

}  // namespace anarchy

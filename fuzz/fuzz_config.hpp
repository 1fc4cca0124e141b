// What the two config-file fuzz targets share: arbitrary bytes as the text of a config file of
// `anarchy profile --config` (cli/profile_config.cpp), TOML or JSON by the name given.
//
// Every input must be applied or refused with a SettingsError (one line for the user), never a
// crash, a sanitizer report or another exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "profile.hpp"

inline int fuzz_config_text(const uint8_t* data, size_t size, const std::string& name) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  anarchy::cli::ProfileSettings settings;
  try {
    anarchy::cli::apply_config_text(text, name, settings);
  } catch (const anarchy::cli::SettingsError&) {
  }
  return 0;
}

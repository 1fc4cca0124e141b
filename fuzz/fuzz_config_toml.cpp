// libFuzzer target: arbitrary bytes as a TOML config file (fuzz_config.hpp).
#include "fuzz_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz_config_text(data, size, "fuzz.toml");
}

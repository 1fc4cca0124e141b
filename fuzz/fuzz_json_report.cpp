// libFuzzer target: arbitrary bytes as a JSON report (`anarchy report IN.json`, diff, merge).
//
// The reader must turn every input into a Profile or a ProfileReadError (json_reader.hpp), never
// a crash, a sanitizer report or another exception; and a Profile it accepted must render in
// every format, as `anarchy report IN.json -o OUT` would do with it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiprof/report/json_reader.hpp"
#include "aiprof/report/report_writer.hpp"

namespace rep = aiprof::report;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rep::Profile profile;
  try {
    profile = rep::parse_json_profile(text, "fuzz.json");
  } catch (const rep::ProfileReadError&) {
    return 0;  // refused, with a message: what must happen to a bad file
  }
  for (const std::string& known : rep::known_formats()) {  // "text (.txt)": the name, a space
    std::string format = known.substr(0, known.find(' '));
    rep::writer_for_format(format)->render(profile, rep::RenderOptions{});
  }
  return 0;
}

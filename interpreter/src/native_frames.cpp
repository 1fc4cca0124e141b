#include "anarchy/interpreter/native_frames.hpp"

namespace anarchy {

// The evaluator's functions live in namespace anarchy and are named eval_* / exec_*.
bool is_evaluator_frame(std::string_view symbol) {
  return symbol.starts_with("anarchy::") &&
         (symbol.find("eval") != std::string_view::npos ||
          symbol.find("exec") != std::string_view::npos);
}

}  // namespace anarchy

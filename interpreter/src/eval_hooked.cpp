// The evaluator with hook sites (evaluator.hpp instantiated with H = true): what runs while an
// observer is attached. Empty when hook sites are compiled out.
#include "evaluator.hpp"

namespace anarchy {

#if AIPROF_ENABLE_HOOKS
template Value Interpreter::Impl::eval_node<true>(const Node* n);
template Value Interpreter::Impl::call_value<true>(const Value& callee, const Value* args,
                                                   size_t argc, const Node* site);

// With an observer listening to nodes, every expression is bracketed by enter/exit (the
// fast paths that skip eval() are turned off by nodes_observed()).
Value Interpreter::Impl::eval_observed(const Node* n) {
  auto kind = static_cast<uint16_t>(n->kind);
  aiprof::instrumentation::g_observer->on_node_enter(kind, SourcePos{n->line, n->column});
  struct Exit {
    uint16_t kind;
    ~Exit() {
      if (aiprof::instrumentation::hook_listens(aiprof::instrumentation::kHookNode))
        aiprof::instrumentation::g_observer->on_node_exit(kind);
    }
  } exit{kind};
  return eval_node<true>(n);
}
#endif

}  // namespace anarchy

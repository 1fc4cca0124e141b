// The evaluator without hook sites (evaluator.hpp instantiated with H = false: what runs when no
// observer is attached) and the entry points that choose between it and eval_hooked.cpp's.
#include "evaluator.hpp"

namespace anarchy {

#if AIPROF_ENABLE_HOOKS
// Instantiated in eval_hooked.cpp only (evaluator.hpp says why the two are apart).
extern template Value Interpreter::Impl::eval_node<true>(const Node* n);
extern template Value Interpreter::Impl::call_value<true>(const Value& callee, const Value* args,
                                                          size_t argc, const Node* site);
#endif

std::string_view function_name(const FuncObj* f) { return f->node->name; }

[[gnu::cold, gnu::noinline, noreturn]] static void raise_arity(Interpreter::Impl& I, const FunctionNode* fn,
                                                             size_t argc, const Node* site) {
  size_t nparams = fn->params.size();
  I.raise(ErrorKind::TypeError,
          std::string(fn->name.empty() ? "anonymous function" : fn->qualified_name) + " takes " +
              std::to_string(nparams) + " argument" + (nparams == 1 ? "" : "s") + " but " +
              std::to_string(argc) + " were given",
          site);
}

void Interpreter::Impl::check_call(const FunctionNode* fn, size_t argc, const Node* site) {
  if (AIPROF_UNLIKELY(argc > fn->params.size())) raise_arity(*this, fn, argc, site);
  char probe;
  if (AIPROF_UNLIKELY(frames.depth() >= frames.capacity() || &probe < stack_limit))
    raise(ErrorKind::RangeError, "maximum call depth exceeded", site);
  if (site) set_position(site);
  check_budget();
  heap.maybe_collect();
}

// The evaluator's entries from outside it (module variables, main, built-ins calling back)
// choose the instantiation once; everything they run stays in it. The hook mask does not
// change during a run. (Compiled out, only the one without hooks exists.)
Value Interpreter::Impl::eval(const Node* n) {
#if AIPROF_ENABLE_HOOKS
  if (hooked()) return eval<true>(n);
#endif
  return eval<false>(n);
}

Value Interpreter::Impl::call_value(const Value& callee, const Value* args, size_t argc,
                                    const Node* site) {
#if AIPROF_ENABLE_HOOKS
  if (hooked()) return call_value<true>(callee, args, argc, site);
#endif
  return call_value<false>(callee, args, argc, site);
}

}  // namespace anarchy

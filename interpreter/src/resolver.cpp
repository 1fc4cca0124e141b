#include "resolver.hpp"

#include <functional>

namespace anarchy {

namespace {

struct Scope {
  Scope* parent = nullptr;
  bool is_file = false;       // module names: visible, but never a target of assignment
  bool owns_env = false;
  Scope* env_owner = nullptr; // nearest scope (this or an ancestor) that owns an environment
  int env_depth = 0;          // number of environment owners from the file scope down to here
  uint32_t env_size = 0;      // when owns_env: slots allocated so far
  uint32_t first_slot = 0, slot_count = 0;
  std::string qualifier;      // "m.main" for names of functions and variables inside
  std::unordered_map<std::string, std::pair<uint32_t, uint32_t>> names;  // name -> (slot, var id)
};

// Does this subtree contain a function literal (so a closure may capture bindings)?
bool contains_function(const Node* n) {
  if (n == nullptr) return false;
  if (n->kind == NodeKind::FunctionLit) return true;
  bool found = false;
  for_each_child(n, [&](const Node* c) { found = found || contains_function(c); });
  return found;
}

class Resolver {
 public:
  Resolver(FileNode& file, ResolveContext& ctx) : file_(file), ctx_(ctx) {}

  void run(const std::vector<std::string>& file_scope) {
    Scope fs;
    fs.is_file = true;
    fs.owns_env = true;
    fs.env_owner = &fs;
    fs.env_depth = 0;
    for (const auto& name : file_scope) bind(fs, name);
    for (ModuleNode* m : file_.modules) resolve_module(fs, m);
  }

 private:
  // ---- scopes ----
  void bind(Scope& s, const std::string& name) {
    if (s.names.count(name)) return;
    Scope* owner = s.env_owner;
    uint32_t slot = owner->env_size++;
    if (!s.owns_env) ++s.slot_count;
    uint32_t id = static_cast<uint32_t>(ctx_.variable_names->size());
    ctx_.variable_names->push_back(s.qualifier.empty() ? name : s.qualifier + "." + name);
    s.names.emplace(name, std::make_pair(slot, id));
  }

  // Bound by this scope or an enclosing one (module names of the file scope do not count:
  // assigning to one binds a new name that shadows it).
  static bool bound_in_chain(const Scope* s, const std::string& name) {
    for (; s; s = s->parent)
      if (!s->is_file && s->names.count(name)) return true;
    return false;
  }

  void open_child(Scope& child, Scope& parent, bool owns_env) {
    child.parent = &parent;
    child.qualifier = parent.qualifier;
    child.owns_env = owns_env;
    if (owns_env) {
      child.env_owner = &child;
      child.env_depth = parent.env_depth + 1;
    } else {
      child.env_owner = parent.env_owner;
      child.env_depth = parent.env_depth;
      child.first_slot = parent.env_owner->env_size;
    }
  }

  // Binds in `scope` every name assigned directly in it that no enclosing scope binds. Called
  // with the names of a scope collected before its inner scopes are resolved (outside-in).
  void bind_assigned(Scope& scope, const std::vector<std::string>& assigned) {
    for (const auto& name : assigned)
      if (!bound_in_chain(&scope, name)) bind(scope, name);
  }

  // ---- collecting plain '=' targets that stand directly in a scope ----
  static void collect_expr(const Node* n, std::vector<std::string>& out);

  static void collect_stmt(const Node* n, std::vector<std::string>& out) {
    if (n == nullptr) return;
    switch (n->kind) {
      case NodeKind::ExprStmt: collect_expr(static_cast<const ExprStmt*>(n)->expr, out); break;
      case NodeKind::If: {
        auto* s = static_cast<const IfStmt*>(n);
        collect_expr(s->cond, out);
        // A brace-less body is not a block of its own; a braced one is a Block (skipped).
        if (s->then && s->then->kind != NodeKind::Block) collect_stmt(s->then, out);
        if (s->otherwise && s->otherwise->kind != NodeKind::Block) collect_stmt(s->otherwise, out);
        break;
      }
      case NodeKind::While: collect_expr(static_cast<const WhileStmt*>(n)->cond, out); break;
      case NodeKind::ForIn:
      case NodeKind::ForOf: collect_expr(static_cast<const ForEachStmt*>(n)->iterable, out); break;
      case NodeKind::Return: collect_expr(static_cast<const ReturnStmt*>(n)->value, out); break;
      case NodeKind::Throw: collect_expr(static_cast<const ThrowStmt*>(n)->value, out); break;
      default: break;  // blocks, loops' own scopes, try: scopes of their own
    }
  }

  // ---- functions and modules ----
  void resolve_module(Scope& file_scope, ModuleNode* m) {
    Scope ms;
    open_child(ms, file_scope, true);
    ms.qualifier = m->name;
    for (FunctionNode* f : m->functions) {
      bind(ms, f->name);
      m->member_names.push_back(f->name);
    }
    for (ModuleVar& v : m->variables) {
      bind(ms, v.name);
      if (m->member_names.size() < ms.names.size()) m->member_names.push_back(v.name);
      v.slot = ms.names[v.name].first;
    }
    std::vector<std::string> assigned;
    for (ModuleVar& v : m->variables) collect_expr(v.init, assigned);
    bind_assigned(ms, assigned);
    m->init_function_id = ctx_.functions->add(
        {m->name + ".<init>", file_.path, m->line, m->column,
         aiprof::instrumentation::FrameKind::Module});
    for (ModuleVar& v : m->variables) resolve_expr(ms, v.init);
    for (FunctionNode* f : m->functions) {
      f->qualified_name = m->name + "." + f->name;
      f->module = m;
      resolve_function(ms, f);
    }
    // Extra hidden slots (names assigned in initialisers) follow the members.
    while (m->member_names.size() < ms.env_size) m->member_names.push_back("");
  }

  // An anonymous function is named by its line, so two of them can be told apart in every
  // report ("<anonymous:12>"); by line and column where one line starts two ("<anonymous:12:30>").
  std::string anonymous_name(const FunctionNode& fn) const {
    auto on_line = file_.anonymous_per_line.find(fn.line);
    bool shared = on_line != file_.anonymous_per_line.end() && on_line->second > 1;
    return "<anonymous:" + std::to_string(fn.line) +
           (shared ? ":" + std::to_string(fn.column) : "") + ">";
  }

  void resolve_function(Scope& parent, FunctionNode* fn) {
    Scope fs;
    open_child(fs, parent, true);
    if (fn->qualified_name.empty()) {
      fn->qualified_name =
          parent.qualifier + (fn->name.empty() ? "." + anonymous_name(*fn) : "." + fn->name);
    }
    fs.qualifier = fn->qualified_name;
    for (const auto& p : fn->params) bind(fs, p);
    std::vector<std::string> assigned;
    for (const Node* s : fn->body->body) collect_stmt(s, assigned);
    bind_assigned(fs, assigned);
    fn->function_id = ctx_.functions->add({fn->qualified_name, file_.path, fn->line, fn->column,
                                           aiprof::instrumentation::FrameKind::Function});
    for (Node* s : fn->body->body) resolve_stmt(fs, s);
    fn->env_size = fs.env_size;
    const Node* entry = fn->body->body.empty() ? nullptr : fn->body->body.front();
    fn->entry_line = entry ? entry->line : fn->line;
    fn->entry_column = entry ? entry->column : fn->column;
    fn->may_capture = contains_function(fn->body);
    fn->body->scope = ScopeInfo{};  // the body is the function scope itself
  }

  // ---- statements ----
  void resolve_block(Scope& parent, BlockStmt* b, const std::string* catch_var = nullptr,
                     NameExpr* catch_name = nullptr) {
    std::vector<std::string> assigned;
    if (catch_var) assigned.push_back(*catch_var);
    for (const Node* s : b->body) collect_stmt(s, assigned);
    Scope bs;
    bool binds_any = catch_var != nullptr;
    for (const auto& name : assigned) binds_any = binds_any || !bound_in_chain(&parent, name);
    open_child(bs, parent, binds_any && contains_function(b));
    if (catch_var) bind(bs, *catch_var);  // always a new binding
    bind_assigned(bs, assigned);
    if (catch_name) resolve_name(bs, catch_name);
    for (Node* s : b->body) resolve_stmt(bs, s);
    b->scope = info_of(bs);
  }

  ScopeInfo info_of(const Scope& s) {
    ScopeInfo info;
    info.owns_env = s.owns_env;
    info.env_size = s.owns_env ? s.env_size : 0;
    info.first_slot = s.first_slot;
    info.slot_count = s.owns_env ? 0 : s.slot_count;
    return info;
  }

  void resolve_stmt(Scope& s, Node* n) {
    if (n == nullptr) return;
    switch (n->kind) {
      case NodeKind::ExprStmt: resolve_expr(s, static_cast<ExprStmt*>(n)->expr); break;
      case NodeKind::If: {
        auto* i = static_cast<IfStmt*>(n);
        resolve_expr(s, i->cond);
        resolve_stmt(s, i->then);
        resolve_stmt(s, i->otherwise);
        break;
      }
      case NodeKind::While: {
        auto* w = static_cast<WhileStmt*>(n);
        resolve_expr(s, w->cond);
        resolve_block(s, w->body);
        break;
      }
      case NodeKind::Loop: resolve_block(s, static_cast<LoopStmt*>(n)->body); break;
      case NodeKind::For: resolve_for(s, static_cast<ForStmt*>(n)); break;
      case NodeKind::ForIn:
      case NodeKind::ForOf: resolve_for_each(s, static_cast<ForEachStmt*>(n)); break;
      case NodeKind::Block: resolve_block(s, static_cast<BlockStmt*>(n)); break;
      case NodeKind::Return: resolve_expr(s, static_cast<ReturnStmt*>(n)->value); break;
      case NodeKind::Throw: resolve_expr(s, static_cast<ThrowStmt*>(n)->value); break;
      case NodeKind::Try: {
        auto* t = static_cast<TryStmt*>(n);
        resolve_block(s, t->body);
        if (t->catch_var) resolve_block(s, t->handler, &t->catch_var->name, t->catch_var);
        else resolve_block(s, t->handler);
        break;
      }
      default: break;
    }
  }

  void resolve_for(Scope& parent, ForStmt* f) {
    std::vector<std::string> assigned;
    collect_stmt(f->init, assigned);
    collect_expr(f->cond, assigned);
    collect_expr(f->step, assigned);
    bool binds_any = false;
    for (const auto& name : assigned) binds_any = binds_any || !bound_in_chain(&parent, name);
    Scope fs;
    open_child(fs, parent, binds_any && contains_function(f));
    bind_assigned(fs, assigned);
    resolve_stmt(fs, f->init);
    resolve_expr(fs, f->cond);
    resolve_expr(fs, f->step);
    resolve_block(fs, f->body);
    f->scope = info_of(fs);
  }

  void resolve_for_each(Scope& parent, ForEachStmt* f) {
    resolve_expr(parent, f->iterable);
    bool binds = !bound_in_chain(&parent, f->var->name);
    Scope fs;
    open_child(fs, parent, binds && contains_function(f->body));
    if (binds) bind(fs, f->var->name);
    resolve_name(fs, f->var);
    resolve_block(fs, f->body);
    f->scope = info_of(fs);
  }

  // ---- expressions ----
  void resolve_name(Scope& from, NameExpr* n) {
    for (Scope* s = &from; s; s = s->parent) {
      auto it = s->names.find(n->name);
      if (it == s->names.end()) continue;
      n->binding.kind = Binding::Local;
      n->binding.hops = static_cast<uint16_t>(from.env_depth - s->env_depth);
      n->binding.slot = it->second.first;
      n->variable_id = it->second.second;
      return;
    }
    auto g = ctx_.globals->find(n->name);
    if (g != ctx_.globals->end()) {
      n->binding.kind = Binding::Global;
      n->binding.slot = g->second;
    }
  }

  void resolve_exprs(Scope& s, const std::vector<Node*>& nodes) {
    for (Node* n : nodes) resolve_expr(s, n);
  }

  void resolve_expr(Scope& s, Node* n) {
    if (n == nullptr) return;
    switch (n->kind) {
      case NodeKind::Name: resolve_name(s, static_cast<NameExpr*>(n)); break;
      case NodeKind::ArrayLit: resolve_exprs(s, static_cast<ArrayLitExpr*>(n)->elements); break;
      case NodeKind::ObjectLit: resolve_exprs(s, static_cast<ObjectLitExpr*>(n)->values); break;
      case NodeKind::Unary: resolve_expr(s, static_cast<UnaryExpr*>(n)->operand); break;
      case NodeKind::Binary: {
        auto* b = static_cast<BinaryExpr*>(n);
        resolve_expr(s, b->left);
        resolve_expr(s, b->right);
        break;
      }
      case NodeKind::Logical: {
        auto* b = static_cast<LogicalExpr*>(n);
        resolve_expr(s, b->left);
        resolve_expr(s, b->right);
        break;
      }
      case NodeKind::Conditional: {
        auto* c = static_cast<ConditionalExpr*>(n);
        resolve_expr(s, c->cond);
        resolve_expr(s, c->then);
        resolve_expr(s, c->otherwise);
        break;
      }
      case NodeKind::Assign: {
        auto* a = static_cast<AssignExpr*>(n);
        resolve_expr(s, a->target);
        resolve_expr(s, a->value);
        break;
      }
      case NodeKind::Update: resolve_expr(s, static_cast<UpdateExpr*>(n)->target); break;
      case NodeKind::Call: {
        auto* c = static_cast<CallExpr*>(n);
        resolve_expr(s, c->callee);
        resolve_exprs(s, c->args);
        break;
      }
      case NodeKind::Member: resolve_expr(s, static_cast<MemberExpr*>(n)->object); break;
      case NodeKind::Index: {
        auto* i = static_cast<IndexExpr*>(n);
        resolve_expr(s, i->object);
        resolve_expr(s, i->index);
        break;
      }
      case NodeKind::FunctionLit: resolve_function(s, static_cast<FunctionLitExpr*>(n)->fn); break;
      default: break;
    }
  }

  FileNode& file_;
  ResolveContext& ctx_;
};

// Plain '=' targets that are names, in source order, within an expression; function literals
// are scopes of their own.
void Resolver::collect_expr(const Node* n, std::vector<std::string>& out) {
  if (n == nullptr || n->kind == NodeKind::FunctionLit) return;
  if (n->kind == NodeKind::Assign) {
    auto* a = static_cast<const AssignExpr*>(n);
    if (a->op == Op::Assign && a->target->kind == NodeKind::Name)
      out.push_back(static_cast<const NameExpr*>(a->target)->name);
  }
  for_each_child(n, [&](const Node* c) { collect_expr(c, out); });
}

}  // namespace

void resolve_file(FileNode& file, const std::vector<std::string>& file_scope, ResolveContext& ctx) {
  Resolver(file, ctx).run(file_scope);
}

}  // namespace anarchy

#include "formatter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "anarchy/interpreter/objects.hpp"
#include "anarchy/interpreter/value_text.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "source_layout.hpp"
#include "symbols.hpp"

namespace anarchy {

namespace {

// ---------------------------------------------------------------- walking the AST

// Thrown when the AST nests deeper than the printer recurses safely. The parser bounds
// right-nested input, but chains such as a+b+c+... or a.b.c... nest as deep as they are long.
struct TooDeep {};
constexpr uint32_t kMaxNesting = 200000;  // a few hundred bytes of stack each

struct NestingGuard {
  uint32_t& depth;
  explicit NestingGuard(uint32_t& d) : depth(d) {
    if (++depth > kMaxNesting) throw TooDeep{};
  }
  ~NestingGuard() { --depth; }
};

using NameSet = std::unordered_set<std::string>;

const std::string* assigned_name(const Node* target) {
  return target->kind == NodeKind::Name ? &static_cast<const NameExpr*>(target)->name : nullptr;
}

// Every name the subtree could bind (a superset of what the resolver binds): a built-in's
// ASCII name in this set may be shadowed, so the formatter keeps its symbol instead.
void collect_bindings(const Node* n, NameSet& out, uint32_t depth = 0) {
  if (depth > kMaxNesting) throw TooDeep{};
  const std::string* name = nullptr;
  switch (n->kind) {
    case NodeKind::Assign:
      name = assigned_name(static_cast<const AssignExpr*>(n)->target);
      break;
    case NodeKind::Update:
      name = assigned_name(static_cast<const UpdateExpr*>(n)->target);
      break;
    case NodeKind::ForIn:
    case NodeKind::ForOf:
      name = &static_cast<const ForEachStmt*>(n)->var->name;
      break;
    case NodeKind::Try: {
      auto* t = static_cast<const TryStmt*>(n);
      if (t->catch_var) name = &t->catch_var->name;
      break;
    }
    case NodeKind::FunctionLit: {
      const FunctionNode* fn = static_cast<const FunctionLitExpr*>(n)->fn;
      out.insert(fn->params.begin(), fn->params.end());
      name = &fn->name;
      break;
    }
    default:
      break;
  }
  if (name && !name->empty()) out.insert(*name);
  for_each_child(n, [&](const Node* c) { collect_bindings(c, out, depth + 1); });
}

NameSet file_bindings(const FileNode& file) {
  NameSet out;
  for (const ModuleNode* m : file.modules) {
    out.insert(m->name);
    for (const FunctionNode* fn : m->functions) {
      out.insert(fn->name);
      out.insert(fn->params.begin(), fn->params.end());
      collect_bindings(fn->body, out);
    }
    for (const ModuleVar& v : m->variables) {
      out.insert(v.name);
      collect_bindings(v.init, out);
    }
  }
  return out;
}

bool mentions_any(const Node* n, const std::vector<std::string>& names, uint32_t depth = 0) {
  if (depth > kMaxNesting) throw TooDeep{};
  if (n->kind == NodeKind::Name) {
    const std::string& name = static_cast<const NameExpr*>(n)->name;
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  bool found = false;
  for_each_child(n, [&](const Node* c) { found = found || mentions_any(c, names, depth + 1); });
  return found;
}

// Does the subtree assign `name` or bind another variable of that name?
bool rebinds(const Node* n, const std::string& name) {
  NameSet bindings;
  collect_bindings(n, bindings);
  return bindings.count(name) != 0;
}

// ---------------------------------------------------------------- spelling helpers

// Binding strength, lowest first (LANGUAGE.md section 3); an operand binding more loosely
// than its position allows gets parentheses.
enum Prec : int {
  kAssign = 1,
  kCond,
  kOr,
  kAnd,
  kEquality,
  kRelational,
  kAdditive,
  kMultiplicative,
  kUnary,
  kPostfix,
  kPrimary,
};

int binary_precedence(Op op) {
  switch (op) {
    case Op::Or:
      return kOr;
    case Op::And:
      return kAnd;
    case Op::Eq:
    case Op::Ne:
      return kEquality;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      return kRelational;
    case Op::Add:
    case Op::Sub:
      return kAdditive;
    default:
      return kMultiplicative;
  }
}

// `x => e` parses to a function whose body the parser synthesised (it has no closing brace).
bool is_arrow(const FunctionNode* fn) {
  const BlockStmt* b = fn->body;
  return b->end_line == 0 && b->body.size() == 1 && b->body[0]->kind == NodeKind::Return &&
         static_cast<const ReturnStmt*>(b->body[0])->value != nullptr;
}

const Node* arrow_value(const FunctionNode* fn) {
  return static_cast<const ReturnStmt*>(fn->body->body[0])->value;
}

int precedence(const Node* e) {
  switch (e->kind) {
    case NodeKind::Assign:
      return kAssign;
    case NodeKind::FunctionLit:
      return is_arrow(static_cast<const FunctionLitExpr*>(e)->fn) ? kAssign : kPrimary;
    case NodeKind::Conditional:
      return kCond;
    case NodeKind::Logical:
      return binary_precedence(static_cast<const LogicalExpr*>(e)->op);
    case NodeKind::Binary:
      return binary_precedence(static_cast<const BinaryExpr*>(e)->op);
    case NodeKind::Unary:
      return kUnary;
    case NodeKind::Update:
      return static_cast<const UpdateExpr*>(e)->prefix ? kUnary : kPostfix;
    case NodeKind::Call:
    case NodeKind::Member:
    case NodeKind::Index:
      return kPostfix;
    default:
      return kPrimary;
  }
}

// The node whose text starts the printed expression.
const Node* leftmost(const Node* e) {
  for (;;) {
    switch (e->kind) {
      case NodeKind::Binary:
        e = static_cast<const BinaryExpr*>(e)->left;
        break;
      case NodeKind::Logical:
        e = static_cast<const LogicalExpr*>(e)->left;
        break;
      case NodeKind::Conditional:
        e = static_cast<const ConditionalExpr*>(e)->cond;
        break;
      case NodeKind::Call:
        e = static_cast<const CallExpr*>(e)->callee;
        break;
      case NodeKind::Member:
        e = static_cast<const MemberExpr*>(e)->object;
        break;
      case NodeKind::Index:
        e = static_cast<const IndexExpr*>(e)->object;
        break;
      case NodeKind::Assign: {
        auto* a = static_cast<const AssignExpr*>(e);
        if (a->hint != TypeHint::None) return e;
        e = a->target;
        break;
      }
      case NodeKind::Update: {
        auto* u = static_cast<const UpdateExpr*>(e);
        if (u->prefix) return e;
        e = u->target;
        break;
      }
      default:
        return e;
    }
  }
}

bool starts_with(const Node* e, NodeKind kind) { return leftmost(e)->kind == kind; }

bool is_identifier(std::string_view s) {
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !start(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

// A string literal that the lexer reads back as exactly `s` (bytes beyond ASCII unchanged).
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u{%X}", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

// A number literal that reads back as d (the lexer only makes non-negative numbers; a literal
// too large for a double reads as Infinity, so one is printed for it).
std::string number_literal(double d) { return std::isinf(d) ? "1e999" : number_to_string(d); }

std::string_view string_of(const Value& v) { return str_of(v)->view(); }

const char* hint_symbol(TypeHint h) {
  switch (h) {
    case TypeHint::Number:
      return "ι";
    case TypeHint::String:
      return "σ";
    default:
      return "ξ";
  }
}

const char* op_spelling(Op op, bool symbolic) {
  if (symbolic) {
    if (op == Op::Ne) return "≠";
    if (op == Op::Ge) return "≥";
    if (op == Op::Le) return "≤";
  }
  return op_text(op);
}

// ---------------------------------------------------------------- the printer

class Formatter {
 public:
  Formatter(const FileNode& file, Spelling spelling)
      : file_(file), symbolic_(spelling == Spelling::Symbolic), bound_(file_bindings(file)) {}

  std::string run() {
    std::vector<Comment> comments;  // the parser drops them; the lexer collects them again
    tokenize(file_.source, &comments);
    for (Comment& c : comments) layout_.comment(c.line, std::move(c.text));
    for (const ImportNode& imp : file_.imports) import_line(imp);
    for (const ModuleNode* m : file_.modules) module(m);
    return layout_.render();
  }

 private:
  // ---- output ----
  void put(std::string_view s) { layout_.text(s); }
  // Text of an expression at its source line (continuation lines indent one more).
  void at(const Node* n) { at_line(n->line); }
  void at_line(uint32_t line) {
    if (glue_next_) {  // the first text of a return value stays on the return's line
      glue_next_ = false;
      return;
    }
    layout_.mark(line, depth_ + 1);
  }
  // A statement or member at its source line; the leading space separates it from anything
  // before it on the same line.
  void begin_statement(uint32_t line) {
    layout_.mark(line, depth_);
    put(" ");
  }

  // ---- file structure ----
  void import_line(const ImportNode& imp) {
    begin_statement(imp.line);
    put(symbolic_ ? "⟑ " : "import ");
    put(quoted(imp.path));
    put(";");
  }

  void module(const ModuleNode* m) {
    begin_statement(m->line);
    put(symbolic_ ? "λ" : "");
    put(m->name);
    put(symbolic_ ? "{" : " {");
    ++depth_;
    // Functions and variables are kept apart in the AST; print them in source order.
    struct Member {
      uint32_t line, column;
      const FunctionNode* fn;
      const ModuleVar* var;
    };
    std::vector<Member> members;
    for (const FunctionNode* fn : m->functions)
      members.push_back({fn->line, fn->column, fn, nullptr});
    for (const ModuleVar& v : m->variables) members.push_back({v.line, v.column, nullptr, &v});
    std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    for (const Member& member : members) {
      if (member.fn)
        member_function(member.fn);
      else
        module_variable(*member.var);
    }
    --depth_;
    close_brace(m->end_line, members.empty());
  }

  void member_function(const FunctionNode* fn) {
    begin_statement(fn->line);
    put(symbolic_ ? "ƒ" : "");
    put(fn->name);
    parameters(fn);
    attached_block(fn->body);
  }

  // `ι name = e` members keep the hinted assignment as their initialiser (see ModuleVar).
  void module_variable(const ModuleVar& v) {
    begin_statement(v.line);
    const Node* init = v.init;
    if (init->kind == NodeKind::Assign) {
      auto* a = static_cast<const AssignExpr*>(init);
      const std::string* target = assigned_name(a->target);
      if (a->hint != TypeHint::None && target && *target == v.name) {
        put(hint_symbol(a->hint));
        put(" ");
        init = a->value;
      }
    }
    put(v.name);
    put(" = ");
    expression(init, kAssign);
    put(";");
  }

  void parameters(const FunctionNode* fn) {
    put("(");
    for (size_t i = 0; i < fn->params.size(); ++i) {
      if (i) put(", ");
      put(fn->params[i]);
    }
    put(")");
  }

  // ---- statements ----
  void close_brace(uint32_t line, bool empty) {
    layout_.mark_closer(line, depth_);
    put(empty ? "}" : " }");
  }

  void block(const BlockStmt* b) {
    layout_.mark(b->line, depth_);
    put("{");
    ++depth_;
    for (const Node* s : b->body) statement(s);
    --depth_;
    close_brace(b->end_line, b->body.empty());
  }

  // A block after a header: `if (c) {` in ASCII, `ι(c){` in the compact symbolic form.
  void attached_block(const BlockStmt* b) {
    if (!symbolic_) put(" ");
    block(b);
  }

  // The body of if/else: a block stays attached; another statement is indented one more.
  void branch(const Node* s) {
    if (s && s->kind == NodeKind::Block) return attached_block(static_cast<const BlockStmt*>(s));
    ++depth_;
    statement(s);
    --depth_;
  }

  void statement(const Node* s) {
    NestingGuard guard(nesting_);
    if (s == nullptr) return put(";");  // the empty statement of `if (c);`
    switch (s->kind) {
      case NodeKind::ExprStmt:
        return expression_statement(static_cast<const ExprStmt*>(s));
      case NodeKind::If:
        return if_statement(static_cast<const IfStmt*>(s));
      case NodeKind::While:
        return while_statement(static_cast<const WhileStmt*>(s));
      case NodeKind::Loop:
        begin_statement(s->line);
        put(symbolic_ ? "∞" : "while (true)");
        return attached_block(static_cast<const LoopStmt*>(s)->body);
      case NodeKind::For:
        return for_statement(static_cast<const ForStmt*>(s));
      case NodeKind::ForIn:
      case NodeKind::ForOf:
        return for_each_statement(static_cast<const ForEachStmt*>(s));
      case NodeKind::Block:
        begin_statement(s->line);
        return block(static_cast<const BlockStmt*>(s));
      case NodeKind::Return:
        return return_statement(static_cast<const ReturnStmt*>(s));
      case NodeKind::Break:
      case NodeKind::Continue:
        begin_statement(s->line);
        return put(s->kind == NodeKind::Break ? "break;" : "continue;");
      case NodeKind::Throw:
        begin_statement(s->line);
        put("throw ");
        expression(static_cast<const ThrowStmt*>(s)->value, kAssign);
        return put(";");
      case NodeKind::Try:
        return try_statement(static_cast<const TryStmt*>(s));
      default:
        return;
    }
  }

  // At the start of a statement `{` would open a block, and `:key` after a `}` would read as
  // the ':' operator; parentheses keep both expressions.
  void expression_statement(const ExprStmt* s) {
    begin_statement(s->line);
    bool wrap =
        starts_with(s->expr, NodeKind::ObjectLit) || starts_with(s->expr, NodeKind::DictRef);
    if (wrap) put("(");
    expression(s->expr, kAssign);
    put(wrap ? ");" : ";");
  }

  void if_statement(const IfStmt* s) {
    begin_statement(s->line);
    put(symbolic_ ? "ι(" : "if (");
    expression(s->cond, kAssign);
    put(")");
    branch(s->then);
    if (!s->otherwise) return;
    layout_.mark(s->otherwise->line, depth_);
    put(symbolic_ ? " ε" : " else");
    if (s->otherwise->kind == NodeKind::If)
      return if_statement(static_cast<const IfStmt*>(s->otherwise));
    branch(s->otherwise);
  }

  void while_statement(const WhileStmt* w) {
    begin_statement(w->line);
    bool forever = w->cond->kind == NodeKind::Bool && static_cast<const BoolExpr*>(w->cond)->value;
    if (symbolic_ && forever) {  // while(true) and ∞ run alike
      put("∞");
    } else {
      put("while (");
      expression(w->cond, kAssign);
      put(")");
    }
    attached_block(w->body);
  }

  void for_statement(const ForStmt* f) {
    begin_statement(f->line);
    put("for (");
    if (f->init) expression(static_cast<const ExprStmt*>(f->init)->expr, kAssign);
    put(";");
    if (f->cond) {
      put(" ");
      expression(f->cond, kAssign);
    }
    put(";");
    if (f->step) {
      put(" ");
      expression(f->step, kAssign);
    }
    put(")");
    attached_block(f->body);
  }

  void for_each_statement(const ForEachStmt* f) {
    begin_statement(f->line);
    put("for (");
    put(f->var->name);
    put(f->kind == NodeKind::ForIn ? " in " : " of ");
    expression(f->iterable, kAssign);
    put(")");
    attached_block(f->body);
  }

  void return_statement(const ReturnStmt* r) {
    begin_statement(r->line);
    put(symbolic_ ? "⟼" : "return");
    if (r->value) {
      put(" ");
      glue_next_ = true;  // a line break after `return` would end the statement
      expression(r->value, kAssign);
      glue_next_ = false;
    }
    put(";");
  }

  // ÷{...}{...} binds ⚠, and so does ASCII catch(⚠). In the symbolic form a catch (e) becomes
  // ÷ with e spelled ⚠ when that cannot change what a name means: the handler reads no
  // outer ⚠ (÷ would shadow it) and neither assigns e nor binds another e.
  void try_statement(const TryStmt* t) {
    begin_statement(t->line);
    const std::string* alias = nullptr;
    if (symbolic_ && can_spell_caught(t, alias)) {
      put("÷");
      block(t->body);
      if (alias) caught_spellings_.push_back(*alias);
      block(t->handler);
      if (alias) caught_spellings_.pop_back();
      return;
    }
    put("try");
    attached_block(t->body);
    layout_.mark(t->catch_var ? t->catch_var->line : t->handler->line, depth_);
    put(" catch");
    if (t->catch_var) {
      put(" (");
      put(name_spelling(t->catch_var->name));
      put(")");
    }
    attached_block(t->handler);
  }

  // Whether t can print as ÷{...}{...}; `alias` is set to the catch name to spell ⚠.
  bool can_spell_caught(const TryStmt* t, const std::string*& alias) const {
    if (t->catch_var && t->catch_var->name == kCaughtName) return true;
    if (mentions_any(t->handler, caught_spellings_)) return false;
    if (!t->catch_var) return true;
    if (is_symbol_name(t->catch_var->name) || rebinds(t->handler, t->catch_var->name)) return false;
    alias = &t->catch_var->name;
    return true;
  }

  // ---- expressions ----
  void expression(const Node* e, int min_prec) {
    NestingGuard guard(nesting_);
    bool paren = precedence(e) < min_prec;
    if (paren) put("(");
    expression_body(e);
    if (paren) put(")");
  }

  void expression_body(const Node* e) {
    switch (e->kind) {
      case NodeKind::Number:
        at(e);
        return put(number_literal(static_cast<const NumberExpr*>(e)->value));
      case NodeKind::String:
        at(e);
        return put(quoted(string_of(static_cast<const StringExpr*>(e)->value)));
      case NodeKind::Bool: {
        at(e);
        bool v = static_cast<const BoolExpr*>(e)->value;
        return put(symbolic_ ? (v ? "⊤" : "⊥") : (v ? "true" : "false"));
      }
      case NodeKind::Null:
        at(e);
        return put("null");
      case NodeKind::DictRef:
        at(e);
        put(":");
        return put(static_cast<const DictRefExpr*>(e)->key);
      case NodeKind::Name:
        at(e);
        return put(name_spelling(static_cast<const NameExpr*>(e)->name));
      case NodeKind::ArrayLit:
        return array_literal(static_cast<const ArrayLitExpr*>(e));
      case NodeKind::ObjectLit:
        return object_literal(static_cast<const ObjectLitExpr*>(e));
      case NodeKind::Unary:
        return unary(static_cast<const UnaryExpr*>(e));
      case NodeKind::Binary: {
        auto* b = static_cast<const BinaryExpr*>(e);
        return binary(e, b->op, b->left, b->right);
      }
      case NodeKind::Logical: {
        auto* b = static_cast<const LogicalExpr*>(e);
        return binary(e, b->op, b->left, b->right);
      }
      case NodeKind::Conditional:
        return conditional(static_cast<const ConditionalExpr*>(e));
      case NodeKind::Assign:
        return assignment(static_cast<const AssignExpr*>(e));
      case NodeKind::Update:
        return update(static_cast<const UpdateExpr*>(e));
      case NodeKind::Call:
        return call(static_cast<const CallExpr*>(e));
      case NodeKind::Member:
        return member(static_cast<const MemberExpr*>(e));
      case NodeKind::Index: {
        auto* ix = static_cast<const IndexExpr*>(e);
        expression(ix->object, kPostfix);
        put("[");  // never on a line of its own: that would start a new statement
        expression(ix->index, kAssign);
        return put("]");
      }
      case NodeKind::FunctionLit:
        return function_literal(static_cast<const FunctionLitExpr*>(e));
      default:
        return;
    }
  }

  // A built-in symbol prints as its ASCII spelling unless the file binds that name (then the
  // ASCII name would mean the program's variable); in the symbolic form an ASCII built-in name
  // the file does not bind prints as its symbol.
  std::string name_spelling(const std::string& name) const {
    if (std::find(caught_spellings_.begin() + 1, caught_spellings_.end(), name) !=
        caught_spellings_.end())
      return std::string(kCaughtName);  // a catch (e) printed as ÷ (see try_statement)
    if (is_symbol_name(name)) {
      const BuiltinSymbol* b = find_builtin_symbol(name);
      if (symbolic_ || !b || bound_.count(std::string(b->global))) return name;
      return b->member.empty() ? std::string(b->global)
                               : std::string(b->global) + "." + std::string(b->member);
    }
    if (symbolic_ && !bound_.count(name))
      for (const BuiltinSymbol& b : kBuiltinSymbols)
        if (b.member.empty() && b.global == name) return std::string(b.symbol);
    return name;
  }

  void array_literal(const ArrayLitExpr* a) {
    at(a);
    if (a->elements.empty() && symbolic_) return put("∅");
    put("[");
    for (size_t i = 0; i < a->elements.size(); ++i) {
      if (i) put(", ");
      expression(a->elements[i], kAssign);
    }
    layout_.mark(a->end_line, depth_);
    put("]");
  }

  void object_literal(const ObjectLitExpr* o) {
    at(o);
    put("{");
    for (size_t i = 0; i < o->keys.size(); ++i) {
      if (i) put(", ");
      at_line(leftmost(o->values[i])->line);  // the key goes where its value starts
      std::string_view key = string_of(o->keys[i]);
      put(is_identifier(key) ? std::string(key) : quoted(key));
      put(": ");
      expression(o->values[i], kAssign);
    }
    layout_.mark(o->end_line, depth_);
    put("}");
  }

  void unary(const UnaryExpr* u) {
    at(u);
    put(op_text(u->op));
    // `- -x` and `+ ++x`: without the space the two signs would read as one operator
    const Node* operand = u->operand;
    if (u->op != Op::Not &&
        (operand->kind == NodeKind::Unary ||
         (operand->kind == NodeKind::Update && static_cast<const UpdateExpr*>(operand)->prefix)))
      put(" ");
    expression(operand, kUnary);
  }

  void binary(const Node* e, Op op, const Node* left, const Node* right) {
    int prec = binary_precedence(op);
    expression(left, prec);
    at(e);  // the operator; a line that starts with one continues the expression
    put(" ");
    put(op_spelling(op, symbolic_));
    put(" ");
    expression(right, prec + 1);
  }

  void conditional(const ConditionalExpr* c) {
    expression(c->cond, kOr);
    at(c);
    put(" ? ");
    expression(c->then, kAssign);
    put(" : ");
    expression(c->otherwise, kAssign);
  }

  void assignment(const AssignExpr* a) {
    if (a->hint != TypeHint::None) {  // the hint has no ASCII spelling: its symbol stays
      at(a);
      put(hint_symbol(a->hint));
      put(" ");
      assignment_target(a->target);
    } else {
      assignment_target(a->target);
      at(a);  // the operator
    }
    put(a->op == Op::Assign ? " = " : std::string(" ") + op_text(a->op) + "= ");
    expression(a->value, kAssign);
  }

  // A symbol cannot be assigned, so a target `dict.set` keeps its ASCII spelling.
  void assignment_target(const Node* target) {
    const Node* outer = target_;
    target_ = target;
    expression(target, kPostfix);
    target_ = outer;
  }

  void update(const UpdateExpr* u) {
    const char* op = u->increment ? "++" : "--";
    if (u->prefix) {
      at(u);
      put(op);
      return assignment_target(u->target);
    }
    assignment_target(u->target);
    put(op);  // postfix: on the target's line, or it would start the next statement
  }

  void member(const MemberExpr* m) {
    const BuiltinSymbol* b = symbolic_ && m != target_ ? namespace_symbol(m) : nullptr;
    if (b) {  // dict.set as 📝, dict.use as 🔄: the same built-in
      at(m);
      return put(b->symbol);
    }
    bool number = m->object->kind == NodeKind::Number;  // `5.x` would read as a number
    if (number) put("(");
    expression(m->object, kPostfix);
    if (number) put(")");
    at(m);
    put(".");
    put(string_of(m->name));
  }

  void call(const CallExpr* c) {
    if (symbolic_ && symbolic_call(c)) return;
    expression(c->callee, kPostfix);
    arguments(c->args.begin(), c->args.end());
  }

  template <class It>
  void arguments(It first, It last) {
    put("(");  // never on a line of its own: that would start a new statement
    for (It it = first; it != last; ++it) {
      if (it != first) put(", ");
      expression(*it, kAssign);
    }
    put(")");
  }

  // arr.push(v) as ＋(arr, v) and coll.forEach(f) as ∀(coll, f): the same AST.
  bool symbolic_call(const CallExpr* c) {
    if (c->callee->kind != NodeKind::Member) return false;
    auto* m = static_cast<const MemberExpr*>(c->callee);
    std::string_view method = string_of(m->name);
    const char* symbol = nullptr;
    if (method == "push" && !c->args.empty()) symbol = "＋";
    if (method == "forEach" && c->args.size() == 1) symbol = "∀";
    if (symbol) {
      at(c);
      put(symbol);
      put("(");
      expression(m->object, kAssign);
      for (const Node* arg : c->args) {
        put(", ");
        expression(arg, kAssign);
      }
      put(")");
      return true;
    }
    return false;
  }

  // The symbol of `dict.set` / `dict.use` when `dict` is the built-in namespace here.
  const BuiltinSymbol* namespace_symbol(const MemberExpr* m) const {
    if (m->object->kind != NodeKind::Name) return nullptr;
    const std::string& object = static_cast<const NameExpr*>(m->object)->name;
    if (bound_.count(object)) return nullptr;
    for (const BuiltinSymbol& b : kBuiltinSymbols)
      if (!b.member.empty() && b.global == object && b.member == string_of(m->name)) return &b;
    return nullptr;
  }

  void function_literal(const FunctionLitExpr* lit) {
    const FunctionNode* fn = lit->fn;
    at(lit);
    if (is_arrow(fn)) return arrow(fn);
    if (!fn->name.empty()) {
      put("function ");
      put(fn->name);
    } else {
      put(symbolic_ ? "φ" : "function");
    }
    parameters(fn);
    attached_block(fn->body);
  }

  // Arrows print as arrows in both spellings (shorter than φ(x){ ⟼ e }).
  void arrow(const FunctionNode* fn) {
    if (fn->params.size() == 1)
      put(fn->params[0]);
    else
      parameters(fn);
    put(" => ");
    const Node* value = arrow_value(fn);
    bool wrap = starts_with(value, NodeKind::ObjectLit);  // `=> {` would open a block body
    if (wrap) put("(");
    expression(value, kAssign);
    if (wrap) put(")");
  }

  const FileNode& file_;
  bool symbolic_;
  NameSet bound_;
  SourceLayout layout_;
  uint32_t depth_ = 0;            // block depth of the statement being printed
  bool glue_next_ = false;        // see at_line
  const Node* target_ = nullptr;  // the assignment target being printed (see member)
  uint32_t nesting_ = 0;          // recursion depth of statement/expression printing
  // Names printed as ⚠: ⚠ itself, then the catch names of enclosing handlers printed as ÷.
  std::vector<std::string> caught_spellings_{std::string(kCaughtName)};
};

}  // namespace

bool format_file(const FileNode& file, Spelling spelling, std::string& out) {
  try {
    out = Formatter(file, spelling).run();
    return true;
  } catch (const TooDeep&) {
    return false;
  }
}

bool format_source(std::string_view source, Spelling spelling, std::string& out,
                   std::vector<FormatError>& errors) {
  FileNode file;
  file.source = std::string(source);
  std::vector<SyntaxErrorInfo> syntax_errors;
  if (!parse_file(file, syntax_errors)) {
    for (const auto& e : syntax_errors) errors.push_back({e.line, e.column, e.message});
    return false;
  }
  if (format_file(file, spelling, out)) return true;
  errors.push_back({0, 0, "the program nests too deeply to be printed"});
  return false;
}

}  // namespace anarchy

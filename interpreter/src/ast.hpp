// The abstract syntax tree both spellings of the language parse to.
//
// Nodes are plain structs tagged with a NodeKind (the evaluator switches on it; no virtual
// dispatch on the hot path). They live in an AstArena owned by the loaded file. The resolver
// fills in the binding fields (marked "resolved") before anything runs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "anarchy/interpreter/value.hpp"

namespace anarchy {

enum class NodeKind : uint16_t {
  // expressions
  Number, String, Bool, Null, DictRef, Name, ArrayLit, ObjectLit, Unary, Binary, Logical,
  Conditional, Assign, Update, Call, Member, Index, FunctionLit,
  // statements
  ExprStmt, If, While, For, ForIn, ForOf, Block, Return, Break, Continue, Try, Throw, Loop,
};

struct Node {
  NodeKind kind;
  uint32_t line = 0, column = 0;
  explicit Node(NodeKind k) : kind(k) {}
  virtual ~Node() = default;
};
using Expr = Node;
using Stmt = Node;

// How a name use or binding is found at run time (filled by the resolver).
struct Binding {
  enum Kind : uint8_t { Unresolved, Local, Global } kind = Unresolved;
  uint16_t hops = 0;   // Local: environments to walk up
  uint32_t slot = 0;   // Local: slot in that environment; Global: index into the globals
};

// A scope's slots that must be cleared on entry (blocks flattened into their function's
// environment), or the size of the environment it creates.
struct ScopeInfo {
  bool owns_env = false;     // creates an Env on entry (it binds names a closure may capture)
  uint32_t env_size = 0;     // when owns_env
  uint32_t first_slot = 0;   // when flattened: its slots in the enclosing Env
  uint32_t slot_count = 0;
};

struct NumberExpr : Node { double value; explicit NumberExpr(double v = 0) : Node(NodeKind::Number), value(v) {} };
struct StringExpr : Node { Value value; StringExpr() : Node(NodeKind::String) {} };
struct BoolExpr : Node { bool value; explicit BoolExpr(bool v = false) : Node(NodeKind::Bool), value(v) {} };
struct NullExpr : Node { NullExpr() : Node(NodeKind::Null) {} };
struct DictRefExpr : Node { std::string key; DictRefExpr() : Node(NodeKind::DictRef) {} };

struct NameExpr : Node {
  std::string name;
  Binding binding;  // resolved
  uint32_t variable_id = 0;  // resolved: dense id of the binding, for per-variable counts
  NameExpr() : Node(NodeKind::Name) {}
};

struct ArrayLitExpr : Node {
  std::vector<Expr*> elements;
  uint32_t end_line = 0;  // line of the closing ']' (for the formatter; 0 for ∅)
  ArrayLitExpr() : Node(NodeKind::ArrayLit) {}
};
struct ObjectLitExpr : Node {
  std::vector<Value> keys;  // interned strings
  std::vector<Expr*> values;
  uint32_t end_line = 0;  // line of the closing '}' (for the formatter)
  mutable int8_t keys_distinct = -1;  // evaluator: -1 unknown, else whether no key repeats
  ObjectLitExpr() : Node(NodeKind::ObjectLit) {}
};

enum class Op : uint8_t {
  Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not, Neg, Plus, Assign,
};
const char* op_text(Op op);

struct UnaryExpr : Node { Op op; Expr* operand; UnaryExpr() : Node(NodeKind::Unary) {} };
struct BinaryExpr : Node {
  Op op; Expr* left; Expr* right;
  // evaluator: -1 unknown, else whether both operands are quick numeric trees (eval.cpp)
  mutable int8_t quick = -1;
  // evaluator: when quick, the Impl::count_sites entry of the tree rooted here
  mutable uint32_t count_site = 0;
  BinaryExpr() : Node(NodeKind::Binary) {}
};
struct LogicalExpr : Node { Op op; Expr* left; Expr* right; LogicalExpr() : Node(NodeKind::Logical) {} };
struct ConditionalExpr : Node {
  Expr* cond; Expr* then; Expr* otherwise;
  ConditionalExpr() : Node(NodeKind::Conditional) {}
};
// The type hint of a symbolic assignment: `ι x = e` (Number), `σ x = e` (String), `ξ x = e`
// (Any, unchecked). A checked hint makes a value of another type a TypeError.
enum class TypeHint : uint8_t { None, Any, Number, String };

// target = value, or target op= value (op is Assign for plain '='). A hinted assignment is
// always a plain '=' to a name.
struct AssignExpr : Node {
  Op op; TypeHint hint = TypeHint::None; Expr* target; Expr* value;
  AssignExpr() : Node(NodeKind::Assign) {}
  bool checks_type() const { return hint == TypeHint::Number || hint == TypeHint::String; }
};
struct UpdateExpr : Node {
  bool increment; bool prefix; Expr* target;
  UpdateExpr() : Node(NodeKind::Update) {}
};
struct CallExpr : Node { Expr* callee; std::vector<Expr*> args; CallExpr() : Node(NodeKind::Call) {} };
using NativeMethod = Value (*)(class Interpreter&, const Value&, std::span<const Value>);

struct MemberExpr : Node {
  Expr* object; Value name;  // name: an interned string
  // Built-in methods of this name by receiver kind, looked up on first use (evaluator).
  mutable bool methods_resolved = false;
  mutable NativeMethod array_method = nullptr, string_method = nullptr, number_method = nullptr;
  // The frame ids their calls push ("Array.push", ...; FunctionRegistry), with the methods.
  mutable uint32_t array_frame = 0, string_frame = 0, number_frame = 0;
  mutable bool is_length = false;  // "length" / "len"
  MemberExpr() : Node(NodeKind::Member) {}
};
struct IndexExpr : Node { Expr* object; Expr* index; IndexExpr() : Node(NodeKind::Index) {} };

struct BlockStmt;
struct ModuleNode;

struct FunctionNode {
  std::string name;            // "" for anonymous
  std::string qualified_name;  // "m.fib", "m.<anonymous:12>" (by its line)
  std::vector<std::string> params;
  std::vector<uint32_t> param_line_cols;
  BlockStmt* body = nullptr;   // for `x => expr` a synthesised { return expr; }
  uint32_t line = 0, column = 0;
  // resolved: where a call starts, the first statement of the body (else the function), the
  // position its frame is pushed with (frame_stack.hpp: for the samples' hot lines)
  uint32_t entry_line = 0, entry_column = 0;
  const std::string* file = nullptr;
  uint32_t env_size = 0;       // resolved: slots of the call environment (params first)
  bool may_capture = true;     // resolved: contains a function literal, so its environment
                               // may outlive the call (else it lives on the value stack)
  uint32_t function_id = 0;    // registered frame id (FunctionRegistry)
  const ModuleNode* module = nullptr;
};
struct FunctionLitExpr : Node { FunctionNode* fn; FunctionLitExpr() : Node(NodeKind::FunctionLit) {} };

struct ExprStmt : Node { Expr* expr; ExprStmt() : Node(NodeKind::ExprStmt) {} };
struct IfStmt : Node { Expr* cond; Stmt* then; Stmt* otherwise = nullptr; IfStmt() : Node(NodeKind::If) {} };
struct BlockStmt : Node {
  std::vector<Stmt*> body;
  uint32_t end_line = 0;  // line of the closing '}'; 0 when synthesised (x => e, brace-less loop body)
  ScopeInfo scope;  // resolved
  BlockStmt() : Node(NodeKind::Block) {}
};
// Loop bodies are always blocks (the parser wraps a brace-less body).
struct WhileStmt : Node { Expr* cond; BlockStmt* body; WhileStmt() : Node(NodeKind::While) {} };
struct LoopStmt : Node { BlockStmt* body; LoopStmt() : Node(NodeKind::Loop) {} };
struct ForStmt : Node {
  Stmt* init = nullptr; Expr* cond = nullptr; Expr* step = nullptr; BlockStmt* body;
  ScopeInfo scope;  // resolved: the loop statement's own scope
  ForStmt() : Node(NodeKind::For) {}
};
// for (var in obj) / for (var of arr)
struct ForEachStmt : Node {
  NameExpr* var; Expr* iterable; BlockStmt* body;
  ScopeInfo scope;  // resolved
  explicit ForEachStmt(NodeKind k) : Node(k) {}
};
struct ReturnStmt : Node { Expr* value = nullptr; ReturnStmt() : Node(NodeKind::Return) {} };
struct BreakStmt : Node { BreakStmt() : Node(NodeKind::Break) {} };
struct ContinueStmt : Node { ContinueStmt() : Node(NodeKind::Continue) {} };
struct TryStmt : Node {
  BlockStmt* body; NameExpr* catch_var = nullptr; BlockStmt* handler;
  TryStmt() : Node(NodeKind::Try) {}
};
struct ThrowStmt : Node { Expr* value; ThrowStmt() : Node(NodeKind::Throw) {} };

// name = expr; inside a module. For a hinted `ι name = expr` the initialiser is the hinted
// assignment to the variable itself, so the hint is checked where every hint is.
struct ModuleVar {
  std::string name;
  Expr* init;
  uint32_t line, column;
  uint32_t slot = 0;  // resolved
};

struct ModuleNode {
  std::string name;
  uint32_t line = 0, column = 0;
  uint32_t end_line = 0;  // line of the closing '}' (for the formatter)
  std::vector<FunctionNode*> functions;
  std::vector<ModuleVar> variables;
  // resolved: member name -> slot in the module Env (functions first, then variables)
  std::vector<std::string> member_names;
  uint32_t init_function_id = 0;
  const std::string* file = nullptr;
};

struct ImportNode {
  std::string path;  // as written
  uint32_t line, column;
};

// The one enumeration of a node's children: calls slot(child) on every child slot of n, in
// source order, null ones included (an `if` without `else`, a `for` without a condition).
// A function literal's child is its body. Literals, names, break and continue have none.
template <class F>
void for_each_child_slot(const Node* n, F&& slot) {
  auto one = [&](const Node* c) -> void { slot(c); };
  auto all = [&](const std::vector<Node*>& v) -> void {
    for (const Node* c : v) slot(c);
  };
  switch (n->kind) {
    case NodeKind::ArrayLit: return all(static_cast<const ArrayLitExpr*>(n)->elements);
    case NodeKind::ObjectLit: return all(static_cast<const ObjectLitExpr*>(n)->values);
    case NodeKind::Unary: return one(static_cast<const UnaryExpr*>(n)->operand);
    case NodeKind::Binary: {
      auto* b = static_cast<const BinaryExpr*>(n);
      return one(b->left), one(b->right);
    }
    case NodeKind::Logical: {
      auto* b = static_cast<const LogicalExpr*>(n);
      return one(b->left), one(b->right);
    }
    case NodeKind::Conditional: {
      auto* c = static_cast<const ConditionalExpr*>(n);
      return one(c->cond), one(c->then), one(c->otherwise);
    }
    case NodeKind::Assign: {
      auto* a = static_cast<const AssignExpr*>(n);
      return one(a->target), one(a->value);
    }
    case NodeKind::Update: return one(static_cast<const UpdateExpr*>(n)->target);
    case NodeKind::Call: {
      auto* c = static_cast<const CallExpr*>(n);
      return one(c->callee), all(c->args);
    }
    case NodeKind::Member: return one(static_cast<const MemberExpr*>(n)->object);
    case NodeKind::Index: {
      auto* i = static_cast<const IndexExpr*>(n);
      return one(i->object), one(i->index);
    }
    case NodeKind::FunctionLit: return one(static_cast<const FunctionLitExpr*>(n)->fn->body);
    case NodeKind::ExprStmt: return one(static_cast<const ExprStmt*>(n)->expr);
    case NodeKind::If: {
      auto* s = static_cast<const IfStmt*>(n);
      return one(s->cond), one(s->then), one(s->otherwise);
    }
    case NodeKind::While: {
      auto* w = static_cast<const WhileStmt*>(n);
      return one(w->cond), one(w->body);
    }
    case NodeKind::Loop: return one(static_cast<const LoopStmt*>(n)->body);
    case NodeKind::For: {
      auto* f = static_cast<const ForStmt*>(n);
      return one(f->init), one(f->cond), one(f->step), one(f->body);
    }
    case NodeKind::ForIn:
    case NodeKind::ForOf: {
      auto* f = static_cast<const ForEachStmt*>(n);
      return one(f->var), one(f->iterable), one(f->body);
    }
    case NodeKind::Block: return all(static_cast<const BlockStmt*>(n)->body);
    case NodeKind::Return: return one(static_cast<const ReturnStmt*>(n)->value);
    case NodeKind::Throw: return one(static_cast<const ThrowStmt*>(n)->value);
    case NodeKind::Try: {
      auto* t = static_cast<const TryStmt*>(n);
      return one(t->body), one(t->catch_var), one(t->handler);
    }
    case NodeKind::Number: case NodeKind::String: case NodeKind::Bool: case NodeKind::Null:
    case NodeKind::DictRef: case NodeKind::Name: case NodeKind::Break: case NodeKind::Continue:
      return;
  }
}

// The same, skipping null slots: visit(child) on every child there is.
template <class F>
void for_each_child(const Node* n, F&& visit) {
  for_each_child_slot(n, [&](const Node* c) {
    if (c) visit(c);
  });
}

// Owns every node of one parsed file.
class AstArena {
 public:
  template <class T, class... A>
  T* make(A&&... a) {
    auto p = std::make_unique<T>(std::forward<A>(a)...);
    T* raw = p.get();
    nodes_.push_back(std::move(p));
    return raw;
  }
  FunctionNode* make_function() {
    functions_.push_back(std::make_unique<FunctionNode>());
    return functions_.back().get();
  }
  ModuleNode* make_module() {
    modules_.push_back(std::make_unique<ModuleNode>());
    return modules_.back().get();
  }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<FunctionNode>> functions_;
  std::vector<std::unique_ptr<ModuleNode>> modules_;
};

// One parsed source file.
struct FileNode {
  std::string path;           // as given / resolved
  std::string display_path;   // what error messages show
  std::string source;
  std::vector<ImportNode> imports;
  std::vector<ModuleNode*> modules;
  AstArena arena;
  // Anonymous functions starting on each line: a line with two gets its columns in the names.
  std::unordered_map<uint32_t, uint32_t> anonymous_per_line;
};

}  // namespace anarchy

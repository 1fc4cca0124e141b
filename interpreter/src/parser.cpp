#include "parser.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "anarchy/interpreter/objects.hpp"
#include "lexer.hpp"
#include "symbols.hpp"

namespace anarchy {

namespace {

// Thrown to abandon the current statement; the statement loop records it and resynchronises.
struct ParseFailure {};
// Thrown when continuing makes no sense (too many errors, nesting too deep).
struct ParseAbort {};

constexpr int kMaxNesting = 200;

bool is_hint(Tok k) { return k == Tok::HintNumber || k == Tok::HintString || k == Tok::HintAny; }

TypeHint hint_of(Tok k) {
  switch (k) {
    case Tok::HintNumber: return TypeHint::Number;
    case Tok::HintString: return TypeHint::String;
    default: return TypeHint::Any;
  }
}

// What a symbol of the symbolic form is for; appended to an error about a symbol that stands
// where it cannot, since the symbol alone rarely tells the reader what was expected.
std::string symbol_usage(const Token& t) {
  if (!t.symbolic) return "";
  switch (t.kind) {
    case Tok::SymModule: return "λname{...} declares a module, at the top level of a file";
    case Tok::SymFunction: return "ƒname(params){...} declares a function of a module";
    case Tok::SymLambda: return "φ(params){...} is an anonymous function";
    case Tok::HintNumber: return "ι(condition){...} is an if; ι name = value assigns a number";
    case Tok::HintString: return "σ name = value assigns a string";
    case Tok::HintAny: return "ξ name = value assigns a value of any type";
    case Tok::SymTry: return "÷{...}{...} is try/catch; divide with '/'";
    case Tok::SymLoop: return "∞{...} loops until break or return";
    case Tok::SymCaught: return "⚠ is the caught error, in the second block of ÷{...}{...}";
    case Tok::SymPush: return "＋(array, value) pushes onto the array; add with '+'";
    case Tok::SymForEach: return "∀(collection, function) calls the function for each value";
    case Tok::Else: return "ε{...} is the else of ι(condition){...}";
    case Tok::Return: return "⟼ value returns from a function";
    case Tok::Import: return "⟑ \"path\" imports a file, before the modules";
    case Tok::SymBuiltin: {
      const BuiltinSymbol* b = find_builtin_symbol(t.text);
      if (!b) return "";
      std::string ascii(b->global);
      if (!b->member.empty()) ascii += "." + std::string(b->member);
      return t.text + " is " + ascii;
    }
    default: return "";
  }
}

class Parser {
 public:
  Parser(FileNode& file, std::vector<SyntaxErrorInfo>& errors)
      : file_(file), errors_(errors), toks_(tokenize(file.source)) {}

  void parse() {
    try {
      parse_imports();
      if (at(Tok::End)) fail_here("expected a module: NAME{ ... }");
      while (!at(Tok::End)) parse_module_recovering();
    } catch (const ParseAbort&) {
    } catch (const ParseFailure&) {  // recorded; at the end of the file nothing is left to resume
    }
  }

 private:
  // ---- token access ----
  const Token& cur() const { return toks_[pos_]; }
  const Token& ahead(size_t n) const {
    return toks_[std::min(pos_ + n, toks_.size() - 1)];
  }
  bool at(Tok k) const { return cur().kind == k; }
  void next() { if (pos_ + 1 < toks_.size()) ++pos_; }
  bool accept(Tok k) {
    if (!at(k)) return false;
    next();
    return true;
  }
  void expect(Tok k, const char* what) {
    if (!accept(k)) fail_here(std::string("expected ") + what);
  }

  [[noreturn]] void fail_at(const Token& t, std::string message) {
    if (errors_.size() < kMaxSyntaxErrors) errors_.push_back({t.line, t.column, std::move(message)});
    if (errors_.size() >= kMaxSyntaxErrors) throw ParseAbort{};
    throw ParseFailure{};
  }
  [[noreturn]] void fail_here(std::string expectation) {
    const Token& t = cur();
    if (t.kind == Tok::Error) fail_at(t, t.text);
    std::string found =
        t.kind == Tok::Name || t.symbolic ? "'" + t.text + "'" : token_description(t.kind);
    std::string message = expectation.empty() ? "unexpected " + found : expectation + ", found " + found;
    std::string usage = symbol_usage(t);
    if (!usage.empty()) message += " (" + usage + ")";
    fail_at(t, std::move(message));
  }

  template <class T>
  T* node(const Token& at) {
    T* n = file_.arena.make<T>();
    n->line = at.line;
    n->column = at.column;
    return n;
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxNesting) {
        p.errors_.push_back({p.cur().line, p.cur().column, "nesting too deep"});
        throw ParseAbort{};
      }
    }
    ~DepthGuard() { --p.depth_; }
  };

  // While the handler of ÷{...}{...} or of catch(⚠) is parsed, ⚠ names its error; elsewhere
  // ⚠ is a syntax error rather than a name that fails only when it runs.
  struct CaughtScope {
    Parser& p;
    bool active;
    CaughtScope(Parser& parser, bool binds_caught) : p(parser), active(binds_caught) {
      if (active) ++p.caught_depth_;
    }
    ~CaughtScope() {
      if (active) --p.caught_depth_;
    }
  };

  // Skips to the end of the broken statement: past the next ';' or up to the '}' that closes
  // the enclosing block, keeping braces balanced.
  void synchronise() {
    int depth = 0;
    while (!at(Tok::End)) {
      if (at(Tok::LBrace)) ++depth;
      if (at(Tok::RBrace)) {
        if (depth == 0) return;
        --depth;
        if (depth == 0) { next(); return; }
      }
      if (at(Tok::Semicolon) && depth == 0) { next(); return; }
      next();
    }
  }

  // ---- file structure ----
  void parse_imports() {
    while (at(Tok::Import)) {
      try {
        const Token& kw = cur();
        next();
        if (!at(Tok::String)) fail_here("expected an import path string");
        file_.imports.push_back({cur().text, kw.line, kw.column});
        next();
        end_statement();
      } catch (const ParseFailure&) {
        synchronise();
      }
    }
  }

  void parse_module_recovering() {
    size_t start = pos_;
    try {
      parse_module();
    } catch (const ParseFailure&) {
      synchronise();
      accept(Tok::RBrace);
      if (pos_ == start) next();
    }
  }

  void parse_module() {
    if (at(Tok::Import)) fail_here("imports must come before the modules");
    bool lambda = accept(Tok::SymModule);  // λname{...}
    if (!at(Tok::Name)) fail_here(lambda ? "expected a module name after 'λ'" : "expected a module name");
    ModuleNode* m = file_.arena.make_module();
    m->name = cur().text;
    m->line = cur().line;
    m->column = cur().column;
    m->file = &file_.path;
    next();
    expect(Tok::LBrace, "'{' after the module name");
    file_.modules.push_back(m);
    while (!at(Tok::RBrace) && !at(Tok::End)) parse_member_recovering(m);
    m->end_line = cur().line;
    expect(Tok::RBrace, "'}' closing the module");
  }

  void parse_member_recovering(ModuleNode* m) {
    size_t start = pos_;
    try {
      parse_member(m);
    } catch (const ParseFailure&) {
      synchronise();
      if (pos_ == start) next();
    }
  }

  void parse_member(ModuleNode* m) {
    if (accept(Tok::Semicolon)) return;
    if (at(Tok::SymFunction)) return parse_symbolic_function(m);
    if (is_hint(cur().kind)) return parse_hinted_variable(m);
    if (!at(Tok::Name)) fail_here("expected a function or variable of module '" + m->name + "'");
    const Token& name = cur();
    if (ahead(1).kind == Tok::LParen) {
      next();
      FunctionNode* fn = parse_function_rest(name, name.text);
      fn->module = m;
      m->functions.push_back(fn);
      return;
    }
    if (ahead(1).kind != Tok::Assign) {
      next();
      fail_here("expected '(' or '=' after member name '" + name.text + "'");
    }
    next();
    next();
    Expr* init = parse_expression();
    m->variables.push_back({name.text, init, name.line, name.column});
    end_statement();
  }

  // ƒname(params){ body }
  void parse_symbolic_function(ModuleNode* m) {
    next();
    if (!at(Tok::Name)) fail_here("expected a function name after 'ƒ'");
    const Token& name = cur();
    next();
    if (!at(Tok::LParen)) fail_here("expected '(' after 'ƒ" + name.text + "'");
    FunctionNode* fn = parse_function_rest(name, name.text);
    fn->module = m;
    m->functions.push_back(fn);
  }

  // ι name = e as a module variable (see ModuleVar: the initialiser is the hinted assignment).
  void parse_hinted_variable(ModuleNode* m) {
    const Token& name = ahead(1);
    Expr* init = parse_hinted_assignment();
    m->variables.push_back({name.text, init, name.line, name.column});
    end_statement();
  }

  // After the name: (params) { body }
  FunctionNode* parse_function_rest(const Token& at_tok, std::string name) {
    FunctionNode* fn = file_.arena.make_function();
    fn->name = std::move(name);
    fn->line = at_tok.line;
    fn->column = at_tok.column;
    fn->file = &file_.path;
    expect(Tok::LParen, "'('");
    parse_params(fn);
    if (!at(Tok::LBrace)) fail_here("expected '{' starting the function body");
    fn->body = parse_block();
    return fn;
  }

  void parse_params(FunctionNode* fn) {
    if (accept(Tok::RParen)) return;
    for (;;) {
      if (!at(Tok::Name)) fail_here("expected a parameter name");
      for (const auto& p : fn->params)
        if (p == cur().text) fail_here("duplicate parameter '" + p + "'");
      fn->params.push_back(cur().text);
      next();
      if (accept(Tok::RParen)) return;
      expect(Tok::Comma, "',' or ')' in the parameter list");
    }
  }

  // ---- statements ----
  // A statement ends at ';', before '}', at the end of the file, or at a line break.
  void end_statement() {
    if (accept(Tok::Semicolon)) return;
    if (at(Tok::RBrace) || at(Tok::End) || cur().newline_before) return;
    fail_here("expected ';' or a line break");
  }

  BlockStmt* parse_block() {
    DepthGuard guard(*this);
    BlockStmt* b = node<BlockStmt>(cur());
    expect(Tok::LBrace, "'{'");
    while (!at(Tok::RBrace) && !at(Tok::End)) parse_statement_recovering(b->body);
    b->end_line = cur().line;
    expect(Tok::RBrace, "'}'");
    return b;
  }

  void parse_statement_recovering(std::vector<Stmt*>& out) {
    size_t start = pos_;
    try {
      if (Stmt* s = parse_statement()) out.push_back(s);
    } catch (const ParseFailure&) {
      synchronise();
      if (pos_ == start) next();
    }
  }

  // Loop bodies are blocks even without braces (a fresh scope each iteration).
  BlockStmt* parse_loop_body() {
    if (at(Tok::LBrace)) return parse_block();
    BlockStmt* b = node<BlockStmt>(cur());
    if (Stmt* s = parse_statement()) b->body.push_back(s);
    return b;
  }

  Stmt* parse_statement() {
    DepthGuard guard(*this);
    const Token& t = cur();
    if (t.kind == Tok::HintNumber && ahead(1).kind == Tok::LParen) return parse_if();  // ι(
    switch (t.kind) {
      case Tok::Semicolon: next(); return nullptr;
      case Tok::LBrace: return parse_block();
      case Tok::If: return parse_if();
      case Tok::While: {
        next();
        auto* w = node<WhileStmt>(t);
        expect(Tok::LParen, "'(' after 'while'");
        w->cond = parse_expression();
        expect(Tok::RParen, "')'");
        w->body = parse_loop_body();
        return w;
      }
      case Tok::For: return parse_for();
      case Tok::Return: {
        next();
        auto* r = node<ReturnStmt>(t);
        if (t.symbolic && at(Tok::LParen) && ahead(1).kind == Tok::RParen && ahead(2).kind != Tok::Arrow) {
          next();  // ⟼() returns nothing
          next();
        } else if (!at(Tok::Semicolon) && !at(Tok::RBrace) && !at(Tok::End) && !cur().newline_before)
          r->value = parse_expression();
        end_statement();
        return r;
      }
      case Tok::Break: next(); end_statement(); return node<BreakStmt>(t);
      case Tok::Continue: next(); end_statement(); return node<ContinueStmt>(t);
      case Tok::Throw: {
        next();
        auto* th = node<ThrowStmt>(t);
        th->value = parse_expression();
        end_statement();
        return th;
      }
      case Tok::Try: return parse_try();
      case Tok::SymTry: return parse_symbolic_try();
      case Tok::SymLoop: return parse_forever();
      case Tok::Import: fail_here("imports must come before the modules");
      default: {
        auto* s = node<ExprStmt>(t);
        s->expr = parse_expression();
        end_statement();
        return s;
      }
    }
  }

  // if (c) S [else S], also spelled ι(c) S [ε S]
  Stmt* parse_if() {
    auto* s = node<IfStmt>(cur());
    next();
    expect(Tok::LParen, "'(' after 'if'");
    s->cond = parse_expression();
    expect(Tok::RParen, "')'");
    s->then = parse_statement();
    if (accept(Tok::Else)) s->otherwise = parse_statement();
    return s;
  }

  Stmt* parse_for() {
    const Token& t = cur();
    next();
    expect(Tok::LParen, "'(' after 'for'");
    if (at(Tok::Name) && (ahead(1).kind == Tok::In || ahead(1).kind == Tok::Of)) {
      auto* f = file_.arena.make<ForEachStmt>(ahead(1).kind == Tok::In ? NodeKind::ForIn : NodeKind::ForOf);
      f->line = t.line;
      f->column = t.column;
      f->var = node<NameExpr>(cur());
      f->var->name = cur().text;
      next();
      next();
      f->iterable = parse_expression();
      expect(Tok::RParen, "')'");
      f->body = parse_loop_body();
      return f;
    }
    auto* f = node<ForStmt>(t);
    if (!accept(Tok::Semicolon)) {
      auto* init = node<ExprStmt>(cur());
      init->expr = parse_expression();
      f->init = init;
      expect(Tok::Semicolon, "';' after the loop initialiser");
    }
    if (!accept(Tok::Semicolon)) {
      f->cond = parse_expression();
      expect(Tok::Semicolon, "';' after the loop condition");
    }
    if (!at(Tok::RParen)) f->step = parse_expression();
    expect(Tok::RParen, "')'");
    f->body = parse_loop_body();
    return f;
  }

  Stmt* parse_try() {
    auto* s = node<TryStmt>(cur());
    next();
    if (!at(Tok::LBrace)) fail_here("expected '{' after 'try'");
    s->body = parse_block();
    expect(Tok::Catch, "'catch' after the try block");
    bool binds_caught = false;  // catch(⚠), as `anarchy fmt --ascii` spells ÷
    if (accept(Tok::LParen)) {
      if (!at(Tok::Name) && !at(Tok::SymCaught)) fail_here("expected the name of the caught error");
      binds_caught = at(Tok::SymCaught);
      s->catch_var = node<NameExpr>(cur());
      s->catch_var->name = cur().text;
      next();
      expect(Tok::RParen, "')'");
    }
    if (!at(Tok::LBrace)) fail_here("expected '{' starting the catch block");
    CaughtScope scope(*this, binds_caught);
    s->handler = parse_block();
    return s;
  }

  // ÷{ body }{ handler }: try/catch with the error bound to ⚠ in the handler.
  Stmt* parse_symbolic_try() {
    auto* s = node<TryStmt>(cur());
    next();
    if (!at(Tok::LBrace)) fail_here("expected '{' after '÷'");
    s->body = parse_block();
    if (!at(Tok::LBrace)) fail_here("expected the handler block of '÷{...}{...}'");
    s->catch_var = node<NameExpr>(cur());
    s->catch_var->name = std::string(kCaughtName);
    CaughtScope scope(*this, true);
    s->handler = parse_block();
    return s;
  }

  // ∞{ body }: a loop left only by break, return or a throw.
  Stmt* parse_forever() {
    auto* l = node<LoopStmt>(cur());
    next();
    if (!at(Tok::LBrace)) fail_here("expected '{' after '∞'");
    l->body = parse_block();
    return l;
  }

  // ---- expressions ----
  Expr* parse_expression() {
    DepthGuard guard(*this);
    return parse_assignment();
  }

  static bool assignment_op(Tok k, Op& op) {
    switch (k) {
      case Tok::Assign: op = Op::Assign; return true;
      case Tok::PlusAssign: op = Op::Add; return true;
      case Tok::MinusAssign: op = Op::Sub; return true;
      case Tok::StarAssign: op = Op::Mul; return true;
      case Tok::SlashAssign: op = Op::Div; return true;
      case Tok::PercentAssign: op = Op::Mod; return true;
      default: return false;
    }
  }

  // Symbols (⌽, ⚠) are names no program binds, so they are never assignment targets.
  static bool assignable(const Expr* e) {
    if (e->kind == NodeKind::Name) return !is_symbol_name(static_cast<const NameExpr*>(e)->name);
    return e->kind == NodeKind::Member || e->kind == NodeKind::Index;
  }

  static std::string cannot_assign(const Expr* e) {
    if (e->kind == NodeKind::Name) return "cannot assign to '" + static_cast<const NameExpr*>(e)->name + "'";
    return "cannot assign to this expression, found '='";
  }

  Expr* parse_assignment() {
    if (is_hint(cur().kind)) return parse_hinted_assignment();
    if (Expr* arrow = try_parse_arrow()) return arrow;
    Expr* left = parse_conditional();
    Op op;
    if (assignment_op(cur().kind, op)) {
      const Token& t = cur();
      if (!assignable(left)) fail_at(t, cannot_assign(left));
      next();
      auto* a = node<AssignExpr>(t);
      a->op = op;
      a->target = left;
      DepthGuard guard(*this);
      a->value = parse_assignment();
      return a;
    }
    return left;
  }

  // ι name = e, σ name = e, ξ name = e: a plain assignment to a name, with a type hint.
  Expr* parse_hinted_assignment() {
    const Token& hint = cur();
    if (hint.kind == Tok::HintNumber && ahead(1).kind == Tok::LParen)
      fail_at(hint, "'ι(' starts an if statement, which cannot stand here");
    next();
    if (!at(Tok::Name)) fail_here(std::string("expected a name after ") + token_description(hint.kind));
    auto* target = node<NameExpr>(cur());
    target->name = cur().text;
    next();
    if (!at(Tok::Assign)) fail_here("expected '=' after '" + hint.text + " " + target->name + "'");
    next();
    auto* a = node<AssignExpr>(hint);
    a->op = Op::Assign;
    a->hint = hint_of(hint.kind);
    a->target = target;
    DepthGuard guard(*this);
    a->value = parse_assignment();
    return a;
  }

  // x => body, (a, b) => body, () => body
  Expr* try_parse_arrow() {
    const Token& t = cur();
    if (t.kind == Tok::Name && ahead(1).kind == Tok::Arrow) {
      FunctionNode* fn = new_anonymous(t);
      fn->params.push_back(t.text);
      next();
      next();
      return finish_arrow(t, fn);
    }
    if (t.kind != Tok::LParen || !paren_is_arrow_params()) return nullptr;
    FunctionNode* fn = new_anonymous(t);
    next();
    parse_params(fn);
    expect(Tok::Arrow, "'=>'");
    return finish_arrow(t, fn);
  }

  // Looks past the matching ')' for '=>'.
  bool paren_is_arrow_params() const {
    int depth = 0;
    for (size_t i = pos_; i < toks_.size(); ++i) {
      Tok k = toks_[i].kind;
      if (k == Tok::LParen) ++depth;
      else if (k == Tok::RParen && --depth == 0) return i + 1 < toks_.size() && toks_[i + 1].kind == Tok::Arrow;
      else if (k == Tok::End || k == Tok::LBrace || k == Tok::Semicolon) return false;
    }
    return false;
  }

  FunctionNode* new_anonymous(const Token& t) {
    FunctionNode* fn = file_.arena.make_function();
    fn->line = t.line;
    fn->column = t.column;
    fn->file = &file_.path;
    ++file_.anonymous_per_line[t.line];
    return fn;
  }

  Expr* finish_arrow(const Token& t, FunctionNode* fn) {
    if (at(Tok::LBrace)) {
      fn->body = parse_block();
    } else {
      BlockStmt* b = node<BlockStmt>(cur());
      auto* r = node<ReturnStmt>(cur());
      r->value = parse_assignment();
      b->body.push_back(r);
      fn->body = b;
    }
    auto* lit = node<FunctionLitExpr>(t);
    lit->fn = fn;
    return lit;
  }

  Expr* parse_conditional() {
    Expr* cond = parse_binary(0);
    if (!at(Tok::Question)) return cond;
    auto* c = node<ConditionalExpr>(cur());
    next();
    DepthGuard guard(*this);
    c->cond = cond;
    c->then = parse_assignment();
    expect(Tok::Colon, "':' in the conditional expression");
    c->otherwise = parse_assignment();
    return c;
  }

  // Binary operator precedence, lowest first (LANGUAGE.md section 3).
  static int precedence(Tok k, Op& op) {
    switch (k) {
      case Tok::OrOr: op = Op::Or; return 1;
      case Tok::AndAnd: op = Op::And; return 2;
      case Tok::EqEq: case Tok::EqEqEq: op = Op::Eq; return 3;
      case Tok::NotEq: case Tok::NotEqEq: op = Op::Ne; return 3;
      case Tok::Lt: op = Op::Lt; return 4;
      case Tok::Le: op = Op::Le; return 4;
      case Tok::Gt: op = Op::Gt; return 4;
      case Tok::Ge: op = Op::Ge; return 4;
      case Tok::Plus: op = Op::Add; return 5;
      case Tok::Minus: op = Op::Sub; return 5;
      case Tok::Star: op = Op::Mul; return 6;
      case Tok::Slash: op = Op::Div; return 6;
      case Tok::Percent: op = Op::Mod; return 6;
      default: return 0;
    }
  }

  // Precedence climbing; every binary operator is left-associative.
  Expr* parse_binary(int min_prec) {
    Expr* left = parse_unary();
    for (;;) {
      Op op;
      int prec = precedence(cur().kind, op);
      if (prec == 0 || prec <= min_prec) return left;
      const Token& t = cur();
      next();
      DepthGuard guard(*this);
      Expr* right = parse_binary(prec);
      if (op == Op::And || op == Op::Or) {
        auto* l = node<LogicalExpr>(t);
        l->op = op;
        l->left = left;
        l->right = right;
        left = l;
      } else {
        auto* b = node<BinaryExpr>(t);
        b->op = op;
        b->left = left;
        b->right = right;
        left = b;
      }
    }
  }

  Expr* parse_unary() {
    const Token& t = cur();
    Op op;
    switch (t.kind) {
      case Tok::Bang: op = Op::Not; break;
      case Tok::Minus: op = Op::Neg; break;
      case Tok::Plus: op = Op::Plus; break;
      case Tok::PlusPlus:
      case Tok::MinusMinus: {
        next();
        DepthGuard guard(*this);
        Expr* target = parse_unary();
        if (!assignable(target)) fail_at(t, "'++' and '--' need a variable, member or index");
        auto* u = node<UpdateExpr>(t);
        u->increment = t.kind == Tok::PlusPlus;
        u->prefix = true;
        u->target = target;
        return u;
      }
      default: return parse_postfix(parse_primary());
    }
    next();
    DepthGuard guard(*this);
    auto* u = node<UnaryExpr>(t);
    u->op = op;
    u->operand = parse_unary();
    return u;
  }

  // Calls, members, indexes and postfix ++/--. '(' and '[' on a new line start a new statement.
  Expr* parse_postfix(Expr* e) {
    for (;;) {
      const Token& t = cur();
      if (t.kind == Tok::LParen && !t.newline_before) {
        next();
        auto* c = node<CallExpr>(t);
        c->line = e->line;  // errors of a call point at the callee
        c->column = e->column;
        c->callee = e;
        parse_arguments(c->args);
        e = c;
      } else if (t.kind == Tok::Dot) {
        next();
        if (!at(Tok::Name) && !is_keyword_word(cur())) fail_here("expected a property name after '.'");
        auto* m = node<MemberExpr>(t);
        m->object = e;
        m->name = Heap::current().intern(cur().text);
        m->line = cur().line;
        m->column = cur().column;
        next();
        e = m;
      } else if (t.kind == Tok::LBracket && !t.newline_before) {
        next();
        auto* ix = node<IndexExpr>(t);
        ix->object = e;
        ix->index = parse_expression();
        expect(Tok::RBracket, "']'");
        e = ix;
      } else if ((t.kind == Tok::PlusPlus || t.kind == Tok::MinusMinus) && !t.newline_before) {
        if (!assignable(e)) fail_here("'++' and '--' need a variable, member or index");
        next();
        auto* u = node<UpdateExpr>(t);
        u->increment = t.kind == Tok::PlusPlus;
        u->prefix = false;
        u->target = e;
        e = u;
      } else {
        return e;
      }
    }
  }

  static bool is_keyword(Tok k) { return k >= Tok::If && k <= Tok::Import; }
  // A keyword spelled as a word (property names may be keywords, but not symbols: `.⊤`).
  static bool is_keyword_word(const Token& t) { return is_keyword(t.kind) && !t.symbolic; }

  void parse_arguments(std::vector<Expr*>& args) {
    if (accept(Tok::RParen)) return;
    for (;;) {
      args.push_back(parse_expression());
      if (accept(Tok::RParen)) return;
      expect(Tok::Comma, "',' or ')' in the argument list");
      if (accept(Tok::RParen)) return;  // trailing comma
    }
  }

  Expr* parse_primary() {
    const Token& t = cur();
    switch (t.kind) {
      case Tok::Number: { next(); return make_number(t); }
      case Tok::String: {
        next();
        auto* s = node<StringExpr>(t);
        s->value = Heap::current().intern(t.text);
        return s;
      }
      case Tok::True: case Tok::False: {
        next();
        auto* b = node<BoolExpr>(t);
        b->value = t.kind == Tok::True;
        return b;
      }
      case Tok::Null: next(); return node<NullExpr>(t);
      case Tok::DictKey: {
        next();
        auto* d = node<DictRefExpr>(t);
        d->key = t.text;
        return d;
      }
      case Tok::Name: {
        next();
        auto* n = node<NameExpr>(t);
        n->name = t.text;
        return n;
      }
      case Tok::LParen: {
        next();
        Expr* e = parse_expression();
        expect(Tok::RParen, "')'");
        return e;
      }
      case Tok::LBracket: return parse_array();
      case Tok::LBrace: return parse_object();
      case Tok::Function:
      case Tok::SymLambda: return parse_function_literal(t);
      case Tok::SymEmpty: next(); return node<ArrayLitExpr>(t);  // ∅ is []
      case Tok::SymBuiltin: {
        next();
        auto* n = node<NameExpr>(t);  // bound to its built-in (builtins_symbolic.cpp)
        n->name = t.text;
        return n;
      }
      case Tok::SymCaught: {
        if (caught_depth_ == 0)
          fail_at(t, "'⚠' (the caught error) stands only in the second block of ÷{...}{...} or in catch(⚠)");
        next();
        auto* n = node<NameExpr>(t);
        n->name = std::string(kCaughtName);
        return n;
      }
      case Tok::SymPush: return parse_method_symbol(t, "push", SIZE_MAX, "＋(array, value, ...)");
      case Tok::SymForEach: return parse_method_symbol(t, "forEach", 2, "∀(collection, function)");
      default:
        fail_here(t.kind == Tok::End ? "unexpected end of file" : "");
    }
  }

  // function [name](params){...} or φ(params){...}
  Expr* parse_function_literal(const Token& t) {
    next();
    FunctionNode* fn = new_anonymous(t);
    if (t.kind == Tok::Function && at(Tok::Name)) {
      fn->name = cur().text;
      --file_.anonymous_per_line[t.line];  // named after all
      next();
    }
    expect(Tok::LParen, (std::string("'(' after ") + token_description(t.kind)).c_str());
    parse_params(fn);
    if (!at(Tok::LBrace)) fail_here("expected '{' starting the function body");
    fn->body = parse_block();
    auto* lit = node<FunctionLitExpr>(t);
    lit->fn = fn;
    return lit;
  }

  // ＋(arr, v) and ∀(coll, f) are the method calls arr.push(v) and coll.forEach(f): the same
  // AST as the ASCII spelling, so both run, fail and profile alike.
  Expr* parse_method_symbol(const Token& t, const char* method, size_t max_args, const char* usage) {
    next();
    expect(Tok::LParen, (std::string("'(' after ") + token_description(t.kind)).c_str());
    std::vector<Expr*> args;
    parse_arguments(args);
    if (args.size() < 2 || args.size() > max_args)
      fail_at(t, std::string(token_description(t.kind)) + " takes " + usage);
    auto* member = node<MemberExpr>(t);
    member->object = args[0];
    member->name = Heap::current().intern(method);
    auto* call = node<CallExpr>(t);
    call->callee = member;
    call->args.assign(args.begin() + 1, args.end());
    return call;
  }

  Expr* make_number(const Token& t) {
    auto* n = file_.arena.make<NumberExpr>(t.number);
    n->line = t.line;
    n->column = t.column;
    return n;
  }

  Expr* parse_array() {
    auto* a = node<ArrayLitExpr>(cur());
    next();
    while (!accept(Tok::RBracket)) {
      a->elements.push_back(parse_expression());
      if (accept(Tok::RBracket)) break;
      expect(Tok::Comma, "',' or ']' in the array");
    }
    a->end_line = toks_[pos_ - 1].line;  // the ']' just accepted
    return a;
  }

  Expr* parse_object() {
    auto* o = node<ObjectLitExpr>(cur());
    next();
    while (!accept(Tok::RBrace)) {
      const Token& k = cur();
      std::string key;
      if (k.kind == Tok::Name || k.kind == Tok::String || is_keyword_word(k)) {
        key = k.kind == Tok::String || k.kind == Tok::Name ? k.text : std::string(token_text(k.kind));
      } else if (k.kind == Tok::Number) {
        key = number_key(k.number);
      } else {
        fail_here("expected a property name");
      }
      next();
      expect(Tok::Colon, "':' after the property name");
      o->keys.push_back(Heap::current().intern(key));
      o->values.push_back(parse_expression());
      if (accept(Tok::RBrace)) break;
      expect(Tok::Comma, "',' or '}' in the object");
    }
    o->end_line = toks_[pos_ - 1].line;  // the '}' just accepted
    return o;
  }

  static std::string token_text(Tok k) {
    std::string d = token_description(k);
    return d.size() > 2 ? d.substr(1, d.size() - 2) : d;
  }

  static std::string number_key(double d);

  FileNode& file_;
  std::vector<SyntaxErrorInfo>& errors_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  int caught_depth_ = 0;  // handlers that bind ⚠ around the current position
};

}  // namespace
}  // namespace anarchy

#include "anarchy/interpreter/value_text.hpp"

namespace anarchy {
namespace {
std::string Parser::number_key(double d) { return number_to_string(d); }
}  // namespace

bool parse_file(FileNode& file, std::vector<SyntaxErrorInfo>& errors) {
  size_t before = errors.size();
  Parser(file, errors).parse();
  return errors.size() == before;
}

const char* op_text(Op op) {
  switch (op) {
    case Op::Add: return "+"; case Op::Sub: return "-"; case Op::Mul: return "*";
    case Op::Div: return "/"; case Op::Mod: return "%"; case Op::Eq: return "==";
    case Op::Ne: return "!="; case Op::Lt: return "<"; case Op::Le: return "<=";
    case Op::Gt: return ">"; case Op::Ge: return ">="; case Op::And: return "&&";
    case Op::Or: return "||"; case Op::Not: return "!"; case Op::Neg: return "-";
    case Op::Plus: return "+"; case Op::Assign: return "=";
  }
  return "?";
}

}  // namespace anarchy

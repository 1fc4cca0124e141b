#include "parser.hpp"

#include "anarchy/interpreter/objects.hpp"
#include "lexer.hpp"

namespace anarchy {

namespace {

// Thrown to abandon the current statement; the statement loop records it and resynchronises.
struct ParseFailure {};
// Thrown when continuing makes no sense (too many errors, nesting too deep).
struct ParseAbort {};

constexpr int kMaxNesting = 200;

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
    std::string found = t.kind == Tok::Name ? "'" + t.text + "'" : token_description(t.kind);
    fail_at(t, expectation.empty() ? "unexpected " + found : expectation + ", found " + found);
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
    if (!at(Tok::Name)) fail_here("expected a module name");
    ModuleNode* m = file_.arena.make_module();
    m->name = cur().text;
    m->line = cur().line;
    m->column = cur().column;
    m->file = &file_.path;
    next();
    expect(Tok::LBrace, "'{' after the module name");
    file_.modules.push_back(m);
    while (!at(Tok::RBrace) && !at(Tok::End)) parse_member_recovering(m);
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
        if (!at(Tok::Semicolon) && !at(Tok::RBrace) && !at(Tok::End) && !cur().newline_before)
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
      case Tok::Import: fail_here("imports must come before the modules");
      default: {
        auto* s = node<ExprStmt>(t);
        s->expr = parse_expression();
        end_statement();
        return s;
      }
    }
  }

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
    if (accept(Tok::LParen)) {
      if (!at(Tok::Name)) fail_here("expected the name of the caught error");
      s->catch_var = node<NameExpr>(cur());
      s->catch_var->name = cur().text;
      next();
      expect(Tok::RParen, "')'");
    }
    if (!at(Tok::LBrace)) fail_here("expected '{' starting the catch block");
    s->handler = parse_block();
    return s;
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

  static bool assignable(const Expr* e) {
    return e->kind == NodeKind::Name || e->kind == NodeKind::Member || e->kind == NodeKind::Index;
  }

  Expr* parse_assignment() {
    if (Expr* arrow = try_parse_arrow()) return arrow;
    Expr* left = parse_conditional();
    Op op;
    if (assignment_op(cur().kind, op)) {
      const Token& t = cur();
      if (!assignable(left)) fail_here("cannot assign to this expression");
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
        if (!at(Tok::Name) && !is_keyword(cur().kind)) fail_here("expected a property name after '.'");
        auto* m = node<MemberExpr>(t);
        m->object = e;
        m->name = make_string(cur().text);
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
        s->value = make_string(t.text);
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
      case Tok::Function: {
        next();
        FunctionNode* fn = new_anonymous(t);
        if (at(Tok::Name)) { fn->name = cur().text; next(); }
        expect(Tok::LParen, "'(' after 'function'");
        parse_params(fn);
        if (!at(Tok::LBrace)) fail_here("expected '{' starting the function body");
        fn->body = parse_block();
        auto* lit = node<FunctionLitExpr>(t);
        lit->fn = fn;
        return lit;
      }
      default:
        fail_here(t.kind == Tok::End ? "unexpected end of file" : "");
    }
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
    return a;
  }

  Expr* parse_object() {
    auto* o = node<ObjectLitExpr>(cur());
    next();
    while (!accept(Tok::RBrace)) {
      const Token& k = cur();
      std::string key;
      if (k.kind == Tok::Name || k.kind == Tok::String || is_keyword(k.kind)) {
        key = k.kind == Tok::String || k.kind == Tok::Name ? k.text : std::string(token_text(k.kind));
      } else if (k.kind == Tok::Number) {
        key = number_key(k.number);
      } else {
        fail_here("expected a property name");
      }
      next();
      expect(Tok::Colon, "':' after the property name");
      o->keys.push_back(make_string(key));
      o->values.push_back(parse_expression());
      if (accept(Tok::RBrace)) break;
      expect(Tok::Comma, "',' or '}' in the object");
    }
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

// The symbolic form (LANGUAGE.md section 8): the lexer's symbols and positions, the parser
// mapping each symbol to the AST of its ASCII spelling, syntax errors for symbols that stand
// where they cannot, and the behaviour that only the symbolic form has (type hints, ⚠, the
// built-in symbols that shadowing cannot reach).
#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "anarchy/interpreter/heap.hpp"
#include "anarchy/interpreter/interpreter.hpp"
#include "anarchy/interpreter/objects.hpp"
#include "ast.hpp"
#include "lexer.hpp"
#include "parser.hpp"

namespace anarchy {
namespace {

// ---------------------------------------------------------------- lexer

std::vector<Tok> kinds(const std::string& source) {
  std::vector<Tok> out;
  for (const Token& t : tokenize(source)) out.push_back(t.kind);
  return out;
}

TEST(SymbolicLexer, SymbolsBecomeTheirTokens) {
  EXPECT_EQ(
      kinds("λ ƒ φ ι σ ξ ÷ ∅ ∞ ⚠ ＋ ∀"),
      (std::vector<Tok>{Tok::SymModule, Tok::SymFunction, Tok::SymLambda, Tok::HintNumber,
                        Tok::HintString, Tok::HintAny, Tok::SymTry, Tok::SymEmpty, Tok::SymLoop,
                        Tok::SymCaught, Tok::SymPush, Tok::SymForEach, Tok::End}));
  // Symbols that respell an ASCII token are that token.
  EXPECT_EQ(kinds("ε ⟼ ⊤ ⊥ ≠ ≥ ≤ ⟑"),
            (std::vector<Tok>{Tok::Else, Tok::Return, Tok::True, Tok::False, Tok::NotEq, Tok::Ge,
                              Tok::Le, Tok::Import, Tok::End}));
  for (const char* s : {"⌽", "∑", "🔤", "🔢", "⎋", "📝", "🔄"}) {
    std::vector<Token> t = tokenize(s);
    EXPECT_EQ(t[0].kind, Tok::SymBuiltin) << s;
    EXPECT_EQ(t[0].text, s);
    EXPECT_TRUE(t[0].symbolic);
  }
}

TEST(SymbolicLexer, ASymbolGluedToANameSplits) {
  std::vector<Token> t = tokenize("λm{ƒfib(n)");
  ASSERT_GE(t.size(), 5u);
  EXPECT_EQ(t[0].kind, Tok::SymModule);
  EXPECT_EQ(t[1].kind, Tok::Name);
  EXPECT_EQ(t[1].text, "m");
  EXPECT_EQ(t[3].kind, Tok::SymFunction);
  EXPECT_EQ(t[4].text, "fib");
}

TEST(SymbolicLexer, ColumnsCountCharactersNotBytes) {
  // 🔤 is four bytes, ⌽ three, λ two: each is one column.
  std::vector<Token> t = tokenize("🔤(λ) ⌽ x");
  EXPECT_EQ(t[0].column, 1u);
  EXPECT_EQ(t[1].column, 2u);  // (
  EXPECT_EQ(t[2].column, 3u);  // λ
  EXPECT_EQ(t[3].column, 4u);  // )
  EXPECT_EQ(t[4].column, 6u);  // ⌽
  EXPECT_EQ(t[5].column, 8u);  // x
}

TEST(SymbolicLexer, EmojiPresentationSelectorBelongsToTheSymbol) {
  std::vector<Token> t = tokenize("⚠\xEF\xB8\x8F.message");  // ⚠️
  EXPECT_EQ(t[0].kind, Tok::SymCaught);
  EXPECT_EQ(t[0].text, "⚠");
  EXPECT_EQ(t[1].kind, Tok::Dot);
}

TEST(SymbolicLexer, UnicodeSpacesAndByteOrderMarkAreWhiteSpace) {
  EXPECT_EQ(kinds("\xEF\xBB\xBFx\xC2\xA0y\xE3\x80\x80z"),
            (std::vector<Tok>{Tok::Name, Tok::Name, Tok::Name, Tok::End}));
}

TEST(SymbolicLexer, InvalidOrTruncatedUtf8IsAnErrorTokenNotACrash) {
  for (const char* bad : {"\xE2", "\xE2\x9F", "\xF0\x9F\x94", "\x80", "\xC0\xAF", "\xED\xA0\x80",
                          "\xF8\x88\x80\x80\x80", "x \xFF y"}) {
    std::vector<Token> t = tokenize(bad);
    bool has_error = false;
    for (const Token& tok : t) has_error = has_error || tok.kind == Tok::Error;
    EXPECT_TRUE(has_error) << "input bytes: " << bad;
    EXPECT_EQ(t.back().kind, Tok::End);
  }
}

TEST(SymbolicLexer, UnknownCharactersSuggestTheSymbolMeant) {
  std::vector<Token> t = tokenize("Σ");
  ASSERT_EQ(t[0].kind, Tok::Error);
  EXPECT_NE(t[0].text.find("'∑'"), std::string::npos) << t[0].text;
}

// ---------------------------------------------------------------- parser

// A dump of the AST shape (kinds, names, operators, hints; no positions), to compare the two
// spellings of a program without relying on the formatter.
class Dumper {
 public:
  std::string file(const FileNode& f) {
    for (const ImportNode& i : f.imports) out_ += "import " + i.path + ";";
    for (const ModuleNode* m : f.modules) {
      out_ += "module " + m->name + "{";
      for (const FunctionNode* fn : m->functions) function(fn);
      for (const ModuleVar& v : m->variables) {
        out_ += "var " + v.name + "=";
        node(v.init);
      }
      out_ += "}";
    }
    return out_;
  }

 private:
  void function(const FunctionNode* fn) {
    out_ += "fn " + fn->name + "(";
    for (const auto& p : fn->params) out_ += p + ",";
    out_ += ")";
    node(fn->body);
  }
  void nodes(const std::vector<Node*>& v) {
    for (const Node* n : v) node(n);
  }
  // The node's own fields, then its children through the AST's one child visitor (null
  // slots shown as "_").
  void node(const Node* n) {
    if (n == nullptr) {
      out_ += "_ ";
      return;
    }
    out_ += "(" + std::to_string(static_cast<int>(n->kind));
    fields(n);
    if (n->kind == NodeKind::FunctionLit)
      function(static_cast<const FunctionLitExpr*>(n)->fn);
    else
      for_each_child_slot(n, [&](const Node* c) { node(c); });
    out_ += ")";
  }
  void fields(const Node* n) {
    switch (n->kind) {
      case NodeKind::Number:
        out_ += " " + std::to_string(static_cast<const NumberExpr*>(n)->value);
        break;
      case NodeKind::String:
        out_ += " '" + std::string(str_of(static_cast<const StringExpr*>(n)->value)->view());
        break;
      case NodeKind::Bool:
        out_ += static_cast<const BoolExpr*>(n)->value ? " T" : " F";
        break;
      case NodeKind::Name:
        out_ += " " + static_cast<const NameExpr*>(n)->name;
        break;
      case NodeKind::Unary:
        out_ += op_text(static_cast<const UnaryExpr*>(n)->op);
        break;
      case NodeKind::Binary:
        out_ += op_text(static_cast<const BinaryExpr*>(n)->op);
        break;
      case NodeKind::Logical:
        out_ += op_text(static_cast<const LogicalExpr*>(n)->op);
        break;
      case NodeKind::Assign: {
        auto* a = static_cast<const AssignExpr*>(n);
        out_ += std::string(op_text(a->op)) + " hint" + std::to_string(static_cast<int>(a->hint));
        break;
      }
      case NodeKind::Member:
        out_ += "." + std::string(str_of(static_cast<const MemberExpr*>(n)->name)->view());
        break;
      default:
        break;
    }
  }
  std::string out_;
};

struct Parsed {
  bool ok;
  std::string shape;
  std::vector<SyntaxErrorInfo> errors;
};

Parsed parse(const std::string& source) {
  Heap heap;
  Heap::set_current(&heap);
  Parsed p;
  {
    FileNode file;
    file.source = source;
    p.ok = parse_file(file, p.errors);
    if (p.ok) p.shape = Dumper().file(file);
  }
  return p;
}

void expect_same_ast(const std::string& symbolic, const std::string& ascii) {
  Parsed s = parse(symbolic), a = parse(ascii);
  ASSERT_TRUE(s.ok) << symbolic << "\n" << (s.errors.empty() ? "" : s.errors[0].message);
  ASSERT_TRUE(a.ok) << ascii << "\n" << (a.errors.empty() ? "" : a.errors[0].message);
  EXPECT_EQ(s.shape, a.shape) << symbolic << "\nvs\n" << ascii;
}

TEST(SymbolicParser, EachSymbolIsItsAsciiSpelling) {
  expect_same_ast("λm{ ƒmain(){ ⟼(0) } }", "m{ main(){ return 0; } }");
  expect_same_ast("λm{ ƒf(a, b){ ⟼ a } }", "m{ f(a, b){ return a; } }");
  expect_same_ast("λm{ ƒf(x){ ι(x ≥ 1){ ⟼ ⊤ } ε{ ⟼ ⊥ } } }",
                  "m{ f(x){ if (x >= 1) { return true; } else { return false; } } }");
  expect_same_ast("λm{ ƒf(x){ ⟼ [x ≠ 1, x ≤ 2, ∅] } }",
                  "m{ f(x){ return [x != 1, x <= 2, []]; } }");
  expect_same_ast("λm{ ƒf(){ g = φ(a){ ⟼ a } } }", "m{ f(){ g = function(a){ return a; }; } }");
  expect_same_ast("λm{ ƒf(xs){ ＋(xs, 1); ∀(xs, φ(v){}) } }",
                  "m{ f(xs){ xs.push(1); xs.forEach(function(v){}); } }");
  expect_same_ast("⟑ \"lib.ai\"\nλm{ ƒf(){} }", "import \"lib.ai\";\nm{ f(){} }");
  expect_same_ast("λm{ ƒf(){ ÷{ g() }{ ⟼ ⚠ } } }",
                  "m{ f(){ try { g(); } catch (⚠) { return ⚠; } } }");
}

TEST(SymbolicParser, IotaParenIsAnIfIotaNameIsAnAssignment) {
  Parsed p = parse("λm{ ƒf(x){ ι(x){} ι x = 1; ι (x) {} } }");
  ASSERT_TRUE(p.ok) << p.errors[0].message;
  expect_same_ast("λm{ ƒf(x){ ι(x){} } }", "m{ f(x){ if (x) {} } }");
  Parsed hinted = parse("λm{ ƒf(){ ι x = 1; σ s = \"a\"; ξ v = ∅ } }");
  ASSERT_TRUE(hinted.ok);
  // Hints 2 (number), 3 (string), 1 (any), in TypeHint order.
  EXPECT_NE(hinted.shape.find("= hint2"), std::string::npos) << hinted.shape;
  EXPECT_NE(hinted.shape.find("= hint3"), std::string::npos) << hinted.shape;
  EXPECT_NE(hinted.shape.find("= hint1"), std::string::npos) << hinted.shape;
}

TEST(SymbolicParser, InfinityIsALoopAndEmptyReturnWorks) {
  Parsed p = parse("λm{ ƒf(){ ∞{ break } ⟼() } }");
  ASSERT_TRUE(p.ok) << p.errors[0].message;
  EXPECT_NE(p.shape.find("(" + std::to_string(static_cast<int>(NodeKind::Loop))),
            std::string::npos);
}

TEST(SymbolicParser, BuiltinSymbolsAreNamesOfTheirOwn) {
  Parsed p =
      parse("λm{ ƒf(){ ⌽(∑([1]), 🔤(1), 🔢(\"2\"), ⎋.stringify(1)); 📝(\"k\", \"v\"); 🔄(\"es\") } }");
  ASSERT_TRUE(p.ok) << p.errors[0].message;
  for (const char* s : {"⌽", "∑", "🔤", "🔢", "⎋", "📝", "🔄"})
    EXPECT_NE(p.shape.find(std::string(" ") + s + ")"), std::string::npos) << s;
}

struct ErrorCase {
  const char* source;
  uint32_t line, column;
  const char* message_part;
};

TEST(SymbolicParser, MisplacedSymbolsAreSyntaxErrorsWithCharacterColumns) {
  const ErrorCase cases[] = {
      {"λm{ ƒf(){ x = 10 ÷ 2 } }", 1, 18, "divide with '/'"},
      {"λm{ ƒf(){ ⌽(⚠) } }", 1, 13, "'⚠'"},
      {"λm{ ƒf(){ ⌽ = 1 } }", 1, 13, "cannot assign to '⌽'"},
      {"λm{ ƒf(){ y = ι(1) } }", 1, 15, "'ι(' starts an if"},
      {"λm{ ƒf(){ ι z += 1 } }", 1, 15, "expected '='"},
      {"λm{ ƒf(){\n  λ\n} }", 2, 3, "declares a module"},
      {"λm{ ƒf(){ ＋(xs) } }", 1, 11, "＋(array, value"},
      {"λm{ ƒf(){ ∀(xs, g, h) } }", 1, 11, "∀(collection, function)"},
      {"λm{ ƒf(){ ε{} } }", 1, 11, "else of ι"},
      {"λm{ ƒf(){ o = {⊤: 1} } }", 1, 16, "property name"},
      {"λm{ ƒf(){ o.⊤ } }", 1, 13, "property name"},
      {"λm{ ƒf(){ ÷{ } } }", 1, 16, "handler block"},
      {"λm{ ƒf(){ ∞ x } }", 1, 13, "'{' after '∞'"},
      {"λ{}", 1, 2, "module name after 'λ'"},
      {"λm{ ƒ(){} }", 1, 6, "function name after 'ƒ'"},
      {"λm{ f(){ ⟑ \"x\" } }", 1, 10, "imports must come before"},
      {"λm{ ƒf(){ try {} catch (e) { ⌽(⚠) } } }", 1, 32, "'⚠'"},
  };
  for (const ErrorCase& c : cases) {
    Parsed p = parse(c.source);
    ASSERT_FALSE(p.ok) << c.source;
    EXPECT_EQ(p.errors[0].line, c.line) << c.source << ": " << p.errors[0].message;
    EXPECT_EQ(p.errors[0].column, c.column) << c.source << ": " << p.errors[0].message;
    EXPECT_NE(p.errors[0].message.find(c.message_part), std::string::npos)
        << c.source << ": " << p.errors[0].message;
  }
}

TEST(SymbolicParser, CaughtErrorIsVisibleInNestedFunctionsOfTheHandler) {
  EXPECT_TRUE(parse("λm{ ƒf(){ ÷{}{ g = φ(){ ⟼ ⚠ } } } }").ok);
  EXPECT_TRUE(parse("m{ f(){ try {} catch (⚠) { return ⚠.message; } } }").ok);
}

TEST(SymbolicParser, GarbageWithSymbolsNeverCrashes) {
  const char* inputs[] = {"λ",
                          "ƒ",
                          "÷",
                          "÷{",
                          "÷{}{",
                          "ι",
                          "ι(",
                          "ι x",
                          "ι x =",
                          "∀(",
                          "＋(",
                          "⟼",
                          "λm{ƒ",
                          "λm{ƒf(){⟼(",
                          "λm{ƒf(){ ⚠",
                          "⟑",
                          "⟑ ⟑ ⟑",
                          "λm{ ι",
                          "∞∞∞",
                          "λm{ƒf(){ ÷{}{ ÷{}{ ⚠ } } }",
                          "\xF0\x9F\x94\xA4\xF0\x9F",
                          "λ\xE2\x9F"};
  for (const char* in : inputs) {
    Parsed p = parse(in);
    EXPECT_TRUE(p.ok || !p.errors.empty()) << in;
  }
}

// ---------------------------------------------------------------- running

struct Outcome {
  int status;
  std::string out, err;
};

using test_support::slurp;

struct Job {
  std::string source;
  Outcome result;
};

int run_job(void* p) {
  auto* job = static_cast<Job*>(p);
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  RunOptions options;
  options.out = out;
  options.err = err;
  {
    Interpreter interp(options);
    job->result.status = interp.run_source(job->source, "t.ai");
  }
  job->result.out = slurp(out);
  job->result.err = slurp(err);
  return job->result.status;
}

Outcome run(const std::string& source) {
  Job job{source, {}};
  run_with_large_stack(RunOptions{}.max_depth, run_job, &job);
  return job.result;
}

TEST(SymbolicRun, TypeHintsRejectTheWrongType) {
  Outcome ok = run("λm{ ƒmain(){ ι n = 1; σ s = \"a\"; ξ v = ∅; ξ w = 5; ⌽(n, s, v, w) } }");
  EXPECT_EQ(ok.out, "1 a [] 5\n");
  Outcome bad = run("λm{ ƒmain(){\n  ι n = \"x\"\n} }");
  EXPECT_EQ(bad.status, 70);
  EXPECT_NE(bad.err.find("t.ai:2:3: TypeError: ι 'n' needs a number, not string"),
            std::string::npos)
      << bad.err;
  Outcome caught = run("λm{ ƒmain(){ ÷{ σ s = 5 }{ ⌽(⚠.type, ⚠.line, ⚠.column) } } }");
  EXPECT_EQ(caught.out, "TypeError 1 17\n");
}

TEST(SymbolicRun, HintsApplyToModuleVariablesAndForInitialisers) {
  EXPECT_EQ(run("λm{ ι limit = 3; ƒmain(){ for (ι i = 0; i < limit; i++) ⌽(i) } }").out,
            "0\n1\n2\n");
  Outcome bad = run("λm{ σ name = 1; ƒmain(){ ⌽(\"no\") } }");
  EXPECT_EQ(bad.status, 70);
  EXPECT_NE(bad.err.find("TypeError: σ 'name' needs a string"), std::string::npos) << bad.err;
}

TEST(SymbolicRun, BuiltinSymbolsReachTheBuiltinWhenItsNameIsTaken) {
  Outcome r =
      run("λm{ ƒmain(){ sum = ∑([1, 2]); print = 1; str = 🔤(sum); ⌽(sum, print, str + \"!\") } }");
  EXPECT_EQ(r.out, "3 1 3!\n") << r.err;
}

TEST(SymbolicRun, PushForEachAndDictionarySymbols) {
  Outcome r =
      run("λm{ ƒmain(){ xs = ∅; ＋(xs, 1, 2); ∀(xs, φ(v, i){ ⌽(v, i) });"
          " 📝(\"hi\", \"hi {}\"); 🔄(\"other\"); 📝(\"hi\", \"hola {}\"); ⌽(:hi, 1); 🔄(\"default\"); "
          "⌽(:hi, 2) } }");
  EXPECT_EQ(r.out, "1 0\n2 1\nhola 1\nhi 2\n") << r.err;
}

TEST(SymbolicRun, CaughtErrorBindsPerHandler) {
  Outcome r =
      run("λm{ ƒmain(){ ÷{ throw 1 }{ ÷{ throw 2 }{ ⌽(⚠) } ⌽(⚠) } "
          "f = 0; ÷{ throw \"late\" }{ f = φ(){ ⟼ ⚠ } } ⌽(f()) } }");
  EXPECT_EQ(r.out, "2\n1\nlate\n") << r.err;
}

TEST(SymbolicRun, ProfilesAndTracebacksNameSymbolicFunctionsAsWritten) {
  Outcome r = run("λm{ ƒmain(){ ⟼ geo.area(2) } }\nλgeo{ ƒarea(w){ ⟼ w * \"x\" } }");
  EXPECT_EQ(r.status, 70);
  EXPECT_NE(r.err.find("in geo.area"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace anarchy

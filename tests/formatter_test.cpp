// The formatter (`anarchy fmt`): golden output of both spellings, line preservation, the
// places where printing must add parentheses or keep a symbol to mean the same program, and
// the command line around it.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "anarchy/interpreter/format.hpp"
#include "anarchy/interpreter/heap.hpp"

namespace anarchy {
namespace {

std::string format(const std::string& source, Spelling spelling) {
  Heap heap;
  Heap::set_current(&heap);
  std::string out;
  std::vector<FormatError> errors;
  bool ok = format_source(source, spelling, out, errors);
  EXPECT_TRUE(ok) << source << "\n" << (errors.empty() ? "" : errors[0].message);
  return out;
}

std::string ascii(const std::string& source) { return format(source, Spelling::Ascii); }
std::string symbolic(const std::string& source) { return format(source, Spelling::Symbolic); }

// Formatting is a fixed point in each spelling, and the symbolic form survives a trip through
// the ASCII one. (Not the other way round: the symbolic form spells `catch (e)` as ÷, which
// comes back as catch (⚠).)
void expect_stable(const std::string& source) {
  std::string a = ascii(source), s = symbolic(source);
  EXPECT_EQ(ascii(a), a);
  EXPECT_EQ(symbolic(s), s);
  EXPECT_EQ(symbolic(ascii(s)), s) << "symbolic:\n" << s;
  EXPECT_EQ(symbolic(a), s) << "ascii:\n" << a;
}

const char* const kProgram =
    "import \"lib.ai\";\n"
    "m{\n"
    "  limit = 3;\n"
    "  main(){\n"
    "    xs = [];\n"
    "    for (i = 0; i < limit; i++) xs.push(i * 2);\n"
    "    if (xs.length >= 2 && xs[0] != 1) {\n"
    "      print(sum(xs), str(1), JSON.stringify(xs));\n"
    "    } else if (false) {\n"
    "      return null;\n"
    "    } else {\n"
    "      while (true) { break; }\n"
    "    }\n"
    "    xs.forEach(function(v) { print(v); });\n"
    "    try { dict.set(\"k\", \"v\"); dict.use(\"x\"); } catch (e) { print(e.message); }\n"
    "    return 0;\n"
    "  }\n"
    "}\n";

TEST(Formatter, AsciiGolden) {
  EXPECT_EQ(ascii(kProgram),
            "import \"lib.ai\";\n"
            "m {\n"
            "  limit = 3;\n"
            "  main() {\n"
            "    xs = [];\n"
            "    for (i = 0; i < limit; i++) { xs.push(i * 2); }\n"
            "    if (xs.length >= 2 && xs[0] != 1) {\n"
            "      print(sum(xs), str(1), JSON.stringify(xs));\n"
            "    } else if (false) {\n"
            "      return null;\n"
            "    } else {\n"
            "      while (true) { break; }\n"
            "    }\n"
            "    xs.forEach(function(v) { print(v); });\n"
            "    try { dict.set(\"k\", \"v\"); dict.use(\"x\"); } catch (e) { print(e.message); }\n"
            "    return 0;\n"
            "  }\n"
            "}\n");
}

TEST(Formatter, SymbolicGolden) {
  EXPECT_EQ(symbolic(kProgram),
            "⟑ \"lib.ai\";\n"
            "λm{\n"
            "  limit = 3;\n"
            "  ƒmain(){\n"
            "    xs = ∅;\n"
            "    for (i = 0; i < limit; i++){ ＋(xs, i * 2); }\n"
            "    ι(xs.length ≥ 2 && xs[0] ≠ 1){\n"
            "      ⌽(∑(xs), 🔤(1), ⎋.stringify(xs));\n"
            "    } ε ι(⊥){\n"
            "      ⟼ null;\n"
            "    } ε{\n"
            "      ∞{ break; }\n"
            "    }\n"
            "    ∀(xs, φ(v){ ⌽(v); });\n"
            "    ÷{ 📝(\"k\", \"v\"); 🔄(\"x\"); }{ ⌽(⚠.message); }\n"
            "    ⟼ 0;\n"
            "  }\n"
            "}\n");
  expect_stable(kProgram);
}

TEST(Formatter, StatementsAndCommentsKeepTheirSourceLines) {
  std::string source =
      "// a comment line\n"
      "m{\n"
      "\n"
      "  main(){ a = 1; b = 2 // trailing\n"
      "    /* block\n"
      "       comment */\n"
      "    c = a +\n"
      "      b\n"
      "    /* before */ print(c)\n"
      "  // inside, before the brace\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(ascii(source),
            "// a comment line\n"
            "m {\n"
            "\n"
            "  main() { a = 1; b = 2; // trailing\n"
            "    /* block\n"
            "       comment */\n"
            "    c = a +\n"
            "      b;\n"
            "    print(c); /* before */\n"
            "    // inside, before the brace\n"
            "  }\n"
            "}\n");
  expect_stable(source);
}

TEST(Formatter, ALineCommentNeverSwallowsCode) {
  // The value after `return` must stay on the return's line; the comment goes after it.
  EXPECT_EQ(ascii("m{ f(){ return ( // why\n  1); } }"), "m { f() { return 1; // why\n  } }\n");
  EXPECT_EQ(ascii("m{ f(){ x = [1, // one\n  2]; } }"), "m { f() { x = [1, // one\n      2]; } }\n");
}

TEST(Formatter, TypeHintsAndCaughtErrorKeepTheirSymbolsInAscii) {
  std::string source = "λm{ ι n = 1; ƒmain(){ σ s = \"x\"; ξ v = ∅; ÷{ ⌽(s) }{ ⌽(⚠) } } }";
  EXPECT_EQ(ascii(source),
            "m { ι n = 1; main() { σ s = \"x\"; ξ v = []; try { print(s); } catch (⚠) { print(⚠); "
            "} } }\n");
  expect_stable(source);
}

TEST(Formatter, ABuiltinSymbolStaysWhenTheProgramBindsItsAsciiName) {
  // `sum` is a variable here, so ∑ has no ASCII spelling in this file; `print` is free.
  std::string source = "λm{ ƒmain(){ sum = ∑([1]); ⌽(sum) } }";
  EXPECT_EQ(ascii(source), "m { main() { sum = ∑([1]); print(sum); } }\n");
  // And the other way: a program's own `str` is not the built-in.
  EXPECT_EQ(symbolic("m{ main(str){ print(str(1)); } }"), "λm{ ƒmain(str){ ⌽(str(1)); } }\n");
  EXPECT_EQ(symbolic("m{ main(){ dict = 1; dict.set(1); } }"),
            "λm{ ƒmain(){ dict = 1; dict.set(1); } }\n");
  // Not called, dict.use is still the built-in; as an assignment target it must stay ASCII.
  EXPECT_EQ(symbolic("m{ main(){ f = dict.use; dict.set = f; dict.set.x = 1; } }"),
            "λm{ ƒmain(){ f = 🔄; dict.set = f; 📝.x = 1; } }\n");
}

TEST(Formatter, CatchBecomesDivideOnlyWhenRenamingIsSafe) {
  EXPECT_EQ(symbolic("m{ f(){ try {} catch (e) { print(e); } } }"), "λm{ ƒf(){ ÷{}{ ⌽(⚠); } } }\n");
  EXPECT_EQ(symbolic("m{ f(){ try {} catch { print(1); } } }"), "λm{ ƒf(){ ÷{}{ ⌽(1); } } }\n");
  // The handler assigns e: ⚠ cannot be assigned.
  EXPECT_EQ(symbolic("m{ f(){ try {} catch (e) { e = 1; } } }"),
            "λm{ ƒf(){ try{} catch (e){ e = 1; } } }\n");
  // The handler reads the ⚠ of an outer handler: ÷ would shadow it.
  EXPECT_EQ(symbolic("m{ f(){ try {} catch (⚠) { try {} catch (e) { print(⚠, e); } } } }"),
            "λm{ ƒf(){ ÷{}{ try{} catch (e){ ⌽(⚠, e); } } } }\n");
  EXPECT_EQ(symbolic("m{ f(){ try {} catch (a) { try {} catch (b) { print(a, b); } } } }"),
            "λm{ ƒf(){ ÷{}{ try{} catch (b){ ⌽(⚠, b); } } } }\n");
  // A function in the handler with a parameter e means another e.
  EXPECT_EQ(symbolic("m{ f(){ try {} catch (e) { g = function(e){ return e; }; } } }"),
            "λm{ ƒf(){ try{} catch (e){ g = φ(e){ ⟼ e; }; } } }\n");
}

TEST(Formatter, ParenthesesFollowPrecedence) {
  EXPECT_EQ(ascii("m{ f(){ x = (1 + 2) * 3 - (4 - 5) - 6; } }"),
            "m { f() { x = (1 + 2) * 3 - (4 - 5) - 6; } }\n");
  EXPECT_EQ(ascii("m{ f(){ x = (a = 1) ? (b, c) => 1 : (d ? e : g); } }"),
            "m { f() { x = (a = 1) ? (b, c) => 1 : d ? e : g; } }\n");
  EXPECT_EQ(ascii("m{ f(){ x = -(-y) + +(+y) - -(--y) + !(!y); } }"),
            "m { f() { x = - -y + + +y - - --y + !!y; } }\n");
  EXPECT_EQ(ascii("m{ f(){ x = (5).toFixed(1) + (y => y)(1) + (a || b && c) * 1; } }"),
            "m { f() { x = (5).toFixed(1) + (y => y)(1) + (a || b && c) * 1; } }\n");
  EXPECT_EQ(ascii("m{ f(){ x = (a + b).c[(d, e) => 1] + (a ? b : c).d; } }"),
            "m { f() { x = (a + b).c[(d, e) => 1] + (a ? b : c).d; } }\n");
}

TEST(Formatter, StatementStartsThatWouldReadDifferentlyGetParentheses) {
  // `{` would open a block; `:key` after `}` would read as the ':' operator.
  EXPECT_EQ(ascii("m{ f(){ if (a) {}\n({a: 1}).a; } }"),
            "m { f() { if (a) {}\n    ({a: 1}.a); } }\n");
  EXPECT_EQ(ascii("m{ f(){ if (a) {}\n(:k).length; } }"),
            "m { f() { if (a) {}\n    (:k.length); } }\n");
  EXPECT_EQ(ascii("m{ f(){ g = x => ({a: x}); } }"), "m { f() { g = x => ({a: x}); } }\n");
}

TEST(Formatter, ReturnValueStartsOnTheReturnLine) {
  // `return` then a line break would return nothing, so the value's first token stays; the
  // rest keeps its lines (the operator is where a runtime error would point).
  EXPECT_EQ(ascii("m{ f(){ return (\n  1 + 2); } }"), "m { f() { return 1\n      + 2; } }\n");
  EXPECT_EQ(ascii("m{ f(){ return (\n  a\n  + b); } }"), "m { f() { return a\n\n      + b; } }\n");
}

TEST(Formatter, LiteralsReadBackTheSame) {
  EXPECT_EQ(ascii("m{ f(){ x = [0x1F, 1e21, 1e999, 0.1, \"a\\\"b\\\\c\\n\\t\\u{1}é\", {\"b c\": 1, "
                  "if: 2, 3: 4}]; } }"),
            "m { f() { x = [31, 1e+21, 1e999, 0.1, \"a\\\"b\\\\c\\n\\t\\u{1}é\", {\"b c\": 1, if: "
            "2, \"3\": 4}]; } }\n");
}

TEST(Formatter, EveryConstructIsStable) {
  expect_stable(
      "m{\n"
      "  v = {a: [1, {b: 2}], \"k k\": :key};\n"
      "  main(args){\n"
      "    for (k in v) { continue; }\n"
      "    for (c of \"abc\") print(c);\n"
      "    while (x < 3) x++;\n"
      "    if (a) b = 1; else if (c) d = 2; else { e = 3; }\n"
      "    if (a);\n"
      "    { inner = 1; }\n"
      "    try { throw {code: 1}; } catch { print(\"no\"); }\n"
      "    g = function named(a, b) { return; };\n"
      "    h = (a, b) => { return a; };\n"
      "    y = a ? b : c ? d : e;\n"
      "    z = o.p.q(1)(2)[3]++;\n"
      "    --z;\n"
      "    z += 1; z -= 1; z *= 2; z /= 2; z %= 2;\n"
      "    return -z;\n"
      "  }\n"
      "}\n"
      "other{ f(){} }\n");
}

// ---------------------------------------------------------------- the command

using Outcome = test_support::Result;
using test_support::shell;

std::string temp_program(const std::string& text) {
  char path[] = "/tmp/formatter_test_XXXXXX";
  int fd = mkstemp(path);
  FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

TEST(FmtCommand, PrintsEitherSpelling) {
  std::string file = temp_program("m{ main(){ print(true); } }\n");
  Outcome s = shell("fmt --symbolic " + file);
  EXPECT_EQ(s.status, 0);
  EXPECT_EQ(s.out, "λm{ ƒmain(){ ⌽(⊤); } }\n");
  Outcome a = shell("fmt --ascii " + file);
  EXPECT_EQ(a.out, "m { main() { print(true); } }\n");
  std::remove(file.c_str());
}

TEST(FmtCommand, SyntaxErrorsAreReportedAsRunReportsThem) {
  std::string file = temp_program("λm{ ƒmain(){ x = 1 ÷ 2 } }\n");
  Outcome o = shell("fmt --ascii " + file);
  EXPECT_EQ(o.status, 65);
  EXPECT_NE(o.out.find(":1:20: SyntaxError: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("                       ^"), std::string::npos) << o.out;
  std::remove(file.c_str());
}

TEST(FmtCommand, UsageErrors) {
  std::string file = temp_program("m{ main(){} }\n");
  EXPECT_EQ(shell("fmt " + file).status, 2);
  EXPECT_EQ(shell("fmt --ascii --symbolic " + file).status, 2);
  EXPECT_EQ(shell("fmt " + file + " --ascii").status, 2);
  EXPECT_EQ(shell("fmt --ascii /no/such/file.ai").status, 2);
  std::remove(file.c_str());
}

}  // namespace
}  // namespace anarchy

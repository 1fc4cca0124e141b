// The lexer: UTF-8 source text to tokens, with 1-based line and column (columns count
// characters, not bytes). Both spellings of the language are read here: a symbol of the
// symbolic form (LANGUAGE.md section 8) that only respells an ASCII token (ε, ⟼, ⊤, ≠, ...)
// becomes that token with `symbolic` set; the others get kinds of their own. Invalid or
// truncated UTF-8 becomes an Error token, never a crash. Nothing here is async-signal-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace anarchy {

enum class Tok : uint8_t {
  End, Name, Number, String, DictKey, Error,
  // keywords
  If, Else, For, While, In, Of, Return, Break, Continue, Try, Catch, Throw, Function, True,
  False, Null, Import,
  // punctuation
  LParen, RParen, LBrace, RBrace, LBracket, RBracket, Comma, Semicolon, Dot, Question, Colon,
  Arrow, Assign, PlusAssign, MinusAssign, StarAssign, SlashAssign, PercentAssign, PlusPlus,
  MinusMinus, Plus, Minus, Star, Slash, Percent, EqEq, EqEqEq, NotEq, NotEqEq, Lt, Le, Gt, Ge,
  AndAnd, OrOr, Bang,
  // symbols of the symbolic form with no ASCII token of their own
  SymModule,    // λ   λname{...}
  SymFunction,  // ƒ   ƒname(params){...}, a module member
  SymLambda,    // φ   φ(params){...}, an anonymous function
  HintNumber,   // ι   ι name = e (or ι(c) ..., an if)
  HintString,   // σ   σ name = e
  HintAny,      // ξ   ξ name = e
  SymTry,       // ÷   ÷{...}{...}
  SymEmpty,     // ∅   []
  SymLoop,      // ∞   ∞{...}
  SymCaught,    // ⚠   the caught error
  SymPush,      // ＋  ＋(arr, v) is arr.push(v)
  SymForEach,   // ∀   ∀(coll, f) is coll.forEach(f)
  SymBuiltin,   // ⌽ ∑ 🔤 🔢 ⎋ 📝 🔄 (symbols.hpp); text holds the symbol
};

struct Token {
  Tok kind = Tok::End;
  bool newline_before = false;  // a line break separates it from the previous token
  bool symbolic = false;        // spelled with a symbol (text holds it, without U+FE0F)
  uint32_t line = 1, column = 1;
  std::string text;  // Name, DictKey: the name; String: decoded text; Error: message; symbol
  double number = 0;
};

const char* token_description(Tok kind);

// A comment as written (`// ...` without the line break, or `/* ... */`), from its first line.
struct Comment {
  uint32_t line = 1;
  std::string text;
};

// Splits the whole source up front; errors become Tok::Error tokens the parser reports.
// Comments are skipped, and also collected into `comments` when it is given (the formatter).
std::vector<Token> tokenize(std::string_view source, std::vector<Comment>* comments = nullptr);

}  // namespace anarchy

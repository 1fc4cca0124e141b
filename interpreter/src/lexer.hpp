// The lexer: UTF-8 source text to tokens, with 1-based line and column (columns count
// characters, not bytes). The symbolic spelling (LANGUAGE.md section 8) will add token kinds
// here; non-ASCII input outside strings and comments is decoded as whole code points so that
// work only adds cases. Nothing here is async-signal-safe.
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
};

struct Token {
  Tok kind = Tok::End;
  bool newline_before = false;  // a line break separates it from the previous token
  uint32_t line = 1, column = 1;
  std::string text;             // Name, DictKey: the name; String: decoded text; Error: message
  double number = 0;
};

const char* token_description(Tok kind);

// Splits the whole source up front; errors become Tok::Error tokens the parser reports.
std::vector<Token> tokenize(std::string_view source);

}  // namespace anarchy

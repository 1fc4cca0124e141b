#include "lexer.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "symbols.hpp"

namespace anarchy {

namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

const std::unordered_map<std::string_view, Tok>& keywords() {
  static const std::unordered_map<std::string_view, Tok> table = {
      {"if", Tok::If},         {"else", Tok::Else},       {"for", Tok::For},
      {"while", Tok::While},   {"in", Tok::In},           {"of", Tok::Of},
      {"return", Tok::Return}, {"break", Tok::Break},     {"continue", Tok::Continue},
      {"try", Tok::Try},       {"catch", Tok::Catch},     {"throw", Tok::Throw},
      {"function", Tok::Function}, {"true", Tok::True},   {"false", Tok::False},
      {"null", Tok::Null},     {"import", Tok::Import},
  };
  return table;
}

// Tokens after which an expression is complete, so ':' is the operator, not a dictionary key.
bool ends_expression(Tok t) {
  switch (t) {
    case Tok::Name: case Tok::Number: case Tok::String: case Tok::DictKey: case Tok::True:
    case Tok::False: case Tok::Null: case Tok::RParen: case Tok::RBracket: case Tok::RBrace:
    case Tok::PlusPlus: case Tok::MinusMinus: case Tok::SymEmpty: case Tok::SymCaught:
    case Tok::SymBuiltin:
      return true;
    default:
      return false;
  }
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length (1 to 4) of the well-formed UTF-8 sequence at s[pos], with its code point in cp; 0
// when the bytes there are not one (a stray continuation byte, a truncated sequence, an overlong
// form, a surrogate or a value beyond U+10FFFF). Never reads past the end of s.
size_t decode_utf8(std::string_view s, size_t pos, uint32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[pos]);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) { cp = b0; return 1; }
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
  else return 0;
  if (len > s.size() - pos) return 0;
  for (size_t i = 1; i < len; ++i) {
    auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// JavaScript's white space beyond ASCII (LANGUAGE.md: do what JavaScript does). Editors and
// language models put no-break spaces and byte order marks into source text.
bool is_unicode_space(uint32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// The symbols of LANGUAGE.md section 8 other than the built-in names of symbols.hpp. Symbols
// that respell an ASCII token map to that token, so the parser has one path for both.
struct SymbolSpelling {
  uint32_t code_point;
  Tok kind;
};
constexpr SymbolSpelling kSymbols[] = {
    {0x03BB, Tok::SymModule},  {0x0192, Tok::SymFunction}, {0x03C6, Tok::SymLambda},
    {0x03B9, Tok::HintNumber}, {0x03C3, Tok::HintString},  {0x03BE, Tok::HintAny},
    {0x03B5, Tok::Else},       {0x27FC, Tok::Return},      {0x00F7, Tok::SymTry},
    {0x26A0, Tok::SymCaught},  {0x22A4, Tok::True},        {0x22A5, Tok::False},
    {0x2205, Tok::SymEmpty},   {0x2200, Tok::SymForEach},  {0x221E, Tok::SymLoop},
    {0xFF0B, Tok::SymPush},    {0x2260, Tok::NotEq},       {0x2265, Tok::Ge},
    {0x2264, Tok::Le},         {0x27D1, Tok::Import},
};

const SymbolSpelling* find_symbol(uint32_t cp) {
  for (const SymbolSpelling& s : kSymbols)
    if (s.code_point == cp) return &s;
  return nullptr;
}

// Characters easily typed (or generated) in place of a symbol or an ASCII token; the error
// for one of them says what was probably meant.
const char* lookalike_hint(uint32_t cp) {
  switch (cp) {
    case 0x03A3: return "did you mean '∑' (sum)?";  // Greek capital sigma
    case 0x03D5: return "did you mean 'φ' (anonymous function)?";  // phi symbol
    case 0x039B: return "did you mean 'λ' (module)?";
    case 0x21A6: case 0x2192: case 0x21D2: return "did you mean '⟼' (return) or '=>'?";
    case 0x2A7E: return "did you mean '≥'?";
    case 0x2A7D: return "did you mean '≤'?";
    case 0x2212: return "did you mean '-'?";  // minus sign
    case 0x00D7: return "did you mean '*'?";
    case 0x2018: case 0x2019: case 0x201C: case 0x201D:
      return "strings are quoted with \" or '";
    default: return nullptr;
  }
}

class Lexer {
 public:
  Lexer(std::string_view src, std::vector<Comment>* comments) : src_(src), comments_(comments) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    Tok prev = Tok::End;
    for (;;) {
      bool newline = skip_space_and_comments();
      Token t;
      t.line = line_;
      t.column = column_;
      t.newline_before = newline || out.empty();
      if (pos_ >= src_.size()) {
        t.kind = Tok::End;
        out.push_back(std::move(t));
        return out;
      }
      scan(t, prev);
      prev = t.kind;
      out.push_back(std::move(t));
    }
  }

 private:
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  // Advances over one character of `bytes` bytes (never a line break) by one column.
  void advance_char(size_t bytes) {
    pos_ += bytes;
    ++column_;
  }

  // Advances one byte; columns advance once per UTF-8 character (not on continuation bytes).
  void advance() {
    char c = src_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
  }

  bool skip_space_and_comments() {
    bool newline = false;
    while (pos_ < src_.size()) {
      char c = peek();
      if (c == '\n') { newline = true; advance(); }
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') advance();
      else if (size_t n = unicode_space_at(pos_)) advance_char(n);
      else if (c == '/' && peek(1) == '/') {
        size_t start = pos_;
        uint32_t line = line_;
        while (pos_ < src_.size() && peek() != '\n') advance();
        keep_comment(line, start);
      } else if (c == '/' && peek(1) == '*') {
        size_t start = pos_;
        uint32_t line = line_;
        advance(); advance();
        while (pos_ < src_.size() && !(peek() == '*' && peek(1) == '/')) {
          if (peek() == '\n') newline = true;
          advance();
        }
        if (pos_ < src_.size()) { advance(); advance(); }
        keep_comment(line, start);
      } else {
        break;
      }
    }
    return newline;
  }

  // Records the comment from `start` to here, for the formatter (when it asked for them).
  void keep_comment(uint32_t line, size_t start) {
    if (!comments_) return;
    std::string_view text = src_.substr(start, pos_ - start);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
      text.remove_suffix(1);
    comments_->push_back({line, std::string(text)});
  }

  // Length of the Unicode space character at pos, or 0 when there is none.
  size_t unicode_space_at(size_t pos) const {
    if (static_cast<unsigned char>(src_[pos]) < 0x80) return 0;
    uint32_t cp;
    size_t len = decode_utf8(src_, pos, cp);
    return len != 0 && is_unicode_space(cp) ? len : 0;
  }

  void error(Token& t, std::string message) {
    t.kind = Tok::Error;
    t.text = std::move(message);
  }

  void scan(Token& t, Tok prev) {
    char c = peek();
    if (is_name_start(c)) return scan_name(t);
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return scan_number(t);
    if (c == '"' || c == '\'') return scan_string(t, c);
    if (c == ':' && is_name_start(peek(1)) && !ends_expression(prev)) {
      advance();
      scan_name(t);
      t.kind = Tok::DictKey;
      return;
    }
    if (static_cast<unsigned char>(c) >= 0x80) return scan_non_ascii(t);
    scan_punct(t);
  }

  void scan_name(Token& t) {
    size_t start = pos_;
    while (pos_ < src_.size() && is_name_char(peek())) advance();
    std::string_view word = src_.substr(start, pos_ - start);
    auto it = keywords().find(word);
    t.kind = it == keywords().end() ? Tok::Name : it->second;
    t.text = std::string(word);
  }

  void scan_number(Token& t) {
    size_t start = pos_;
    t.kind = Tok::Number;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      advance(); advance();
      size_t digits = pos_;
      double v = 0;
      while (std::isxdigit(static_cast<unsigned char>(peek()))) {
        char d = peek();
        v = v * 16 + (is_digit(d) ? d - '0' : (d | 0x20) - 'a' + 10);
        advance();
      }
      if (pos_ == digits) return error(t, "malformed hexadecimal number");
      t.number = v;
    } else {
      while (is_digit(peek())) advance();
      if (peek() == '.' && is_digit(peek(1))) { advance(); while (is_digit(peek())) advance(); }
      else if (peek() == '.' && !is_name_start(peek(1))) advance();  // "1." as in JavaScript
      if (peek() == 'e' || peek() == 'E') {
        size_t save_pos = pos_;
        uint32_t save_col = column_;
        advance();
        if (peek() == '+' || peek() == '-') advance();
        if (!is_digit(peek())) { pos_ = save_pos; column_ = save_col; }
        while (is_digit(peek())) advance();
      }
      std::string text(src_.substr(start, pos_ - start));
      t.number = std::strtod(text.c_str(), nullptr);
    }
    if (is_name_start(peek())) error(t, "identifier directly after a number");
  }

  // \u{1F600} or \u0041
  bool scan_unicode_escape(std::string& out) {
    uint32_t cp = 0;
    if (peek() == '{') {
      advance();
      int n = 0;
      while (std::isxdigit(static_cast<unsigned char>(peek())) && n < 8) {
        char d = peek();
        cp = cp * 16 + (is_digit(d) ? d - '0' : (d | 0x20) - 'a' + 10);
        advance();
        ++n;
      }
      if (peek() != '}' || n == 0 || cp > 0x10FFFF) return false;
      advance();
    } else {
      for (int i = 0; i < 4; ++i) {
        char d = peek();
        if (!std::isxdigit(static_cast<unsigned char>(d))) return false;
        cp = cp * 16 + (is_digit(d) ? d - '0' : (d | 0x20) - 'a' + 10);
        advance();
      }
    }
    append_utf8(out, cp);
    return true;
  }

  void scan_string(Token& t, char quote) {
    advance();
    t.kind = Tok::String;
    std::string value;
    for (;;) {
      if (pos_ >= src_.size() || peek() == '\n') return error(t, "unterminated string");
      char c = peek();
      advance();
      if (c == quote) break;
      if (c != '\\') { value += c; continue; }
      if (pos_ >= src_.size()) return error(t, "unterminated string");
      char e = peek();
      advance();
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case '0': value += '\0'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'v': value += '\v'; break;
        case 'u':
          if (!scan_unicode_escape(value)) return error(t, "malformed \\u escape");
          break;
        case '\n': break;  // line continuation
        default: value += e; break;  // \\ \" \' and unknown escapes keep the character
      }
    }
    t.text = std::move(value);
  }

  // A symbol of the symbolic form, or an error naming the character (or the invalid byte).
  void scan_non_ascii(Token& t) {
    uint32_t cp;
    size_t len = decode_utf8(src_, pos_, cp);
    if (len == 0) return scan_invalid_utf8(t);
    std::string_view text = src_.substr(pos_, len);
    advance_char(len);
    if (const SymbolSpelling* s = find_symbol(cp)) {
      t.kind = s->kind;
    } else if (find_builtin_symbol(text)) {
      t.kind = Tok::SymBuiltin;
    } else {
      std::string message = "unexpected character '" + std::string(text) + "'";
      if (const char* hint = lookalike_hint(cp)) message += std::string(" (") + hint + ")";
      return error(t, std::move(message));
    }
    t.symbolic = true;
    t.text = std::string(text);
    skip_variation_selector();
  }

  // U+FE0F / U+FE0E after a symbol only choose emoji or text presentation (⚠️ is ⚠ U+FE0F).
  void skip_variation_selector() {
    std::string_view rest = src_.substr(pos_);
    if (rest.size() >= 3 && rest[0] == '\xEF' && rest[1] == '\xB8' &&
        (rest[2] == '\x8F' || rest[2] == '\x8E'))
      advance_char(3);
  }

  // A byte that does not start a well-formed UTF-8 sequence: it and the continuation bytes
  // after it (at most three) become one error token, counted as one column.
  void scan_invalid_utf8(Token& t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "invalid UTF-8 (byte 0x%02X)", static_cast<unsigned char>(peek()));
    size_t n = 1;
    while (n < 4 && pos_ + n < src_.size() && (static_cast<unsigned char>(src_[pos_ + n]) & 0xC0) == 0x80) ++n;
    advance_char(n);
    error(t, buf);
  }

  void scan_punct(Token& t) {
    struct P { const char* text; Tok kind; };
    static const P table[] = {
        {"===", Tok::EqEqEq}, {"!==", Tok::NotEqEq}, {"=>", Tok::Arrow}, {"==", Tok::EqEq},
        {"!=", Tok::NotEq},   {"<=", Tok::Le},       {">=", Tok::Ge},    {"&&", Tok::AndAnd},
        {"||", Tok::OrOr},    {"++", Tok::PlusPlus}, {"--", Tok::MinusMinus},
        {"+=", Tok::PlusAssign}, {"-=", Tok::MinusAssign}, {"*=", Tok::StarAssign},
        {"/=", Tok::SlashAssign}, {"%=", Tok::PercentAssign},
        {"(", Tok::LParen}, {")", Tok::RParen}, {"{", Tok::LBrace}, {"}", Tok::RBrace},
        {"[", Tok::LBracket}, {"]", Tok::RBracket}, {",", Tok::Comma}, {";", Tok::Semicolon},
        {".", Tok::Dot}, {"?", Tok::Question}, {":", Tok::Colon}, {"=", Tok::Assign},
        {"+", Tok::Plus}, {"-", Tok::Minus}, {"*", Tok::Star}, {"/", Tok::Slash},
        {"%", Tok::Percent}, {"<", Tok::Lt}, {">", Tok::Gt}, {"!", Tok::Bang},
    };
    std::string_view rest = src_.substr(pos_);
    for (const P& p : table) {
      std::string_view text(p.text);
      if (rest.substr(0, text.size()) == text) {
        for (size_t i = 0; i < text.size(); ++i) advance();
        t.kind = p.kind;
        return;
      }
    }
    char c = peek();
    advance();
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "unexpected byte 0x%02X", static_cast<unsigned char>(c));
      return error(t, buf);
    }
    error(t, std::string("unexpected character '") + c + "'");
  }

  std::string_view src_;
  std::vector<Comment>* comments_;  // null unless the caller keeps comments
  size_t pos_ = 0;
  uint32_t line_ = 1, column_ = 1;
};

}  // namespace

const char* token_description(Tok kind) {
  switch (kind) {
    case Tok::End: return "end of file";
    case Tok::Name: return "name";
    case Tok::Number: return "number";
    case Tok::String: return "string";
    case Tok::DictKey: return "dictionary key";
    case Tok::Error: return "invalid token";
    case Tok::If: return "'if'"; case Tok::Else: return "'else'"; case Tok::For: return "'for'";
    case Tok::While: return "'while'"; case Tok::In: return "'in'"; case Tok::Of: return "'of'";
    case Tok::Return: return "'return'"; case Tok::Break: return "'break'";
    case Tok::Continue: return "'continue'"; case Tok::Try: return "'try'";
    case Tok::Catch: return "'catch'"; case Tok::Throw: return "'throw'";
    case Tok::Function: return "'function'"; case Tok::True: return "'true'";
    case Tok::False: return "'false'"; case Tok::Null: return "'null'";
    case Tok::Import: return "'import'";
    case Tok::LParen: return "'('"; case Tok::RParen: return "')'"; case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'"; case Tok::LBracket: return "'['"; case Tok::RBracket: return "']'";
    case Tok::Comma: return "','"; case Tok::Semicolon: return "';'"; case Tok::Dot: return "'.'";
    case Tok::Question: return "'?'"; case Tok::Colon: return "':'"; case Tok::Arrow: return "'=>'";
    case Tok::Assign: return "'='"; case Tok::PlusAssign: return "'+='";
    case Tok::MinusAssign: return "'-='"; case Tok::StarAssign: return "'*='";
    case Tok::SlashAssign: return "'/='"; case Tok::PercentAssign: return "'%='";
    case Tok::PlusPlus: return "'++'"; case Tok::MinusMinus: return "'--'";
    case Tok::Plus: return "'+'"; case Tok::Minus: return "'-'"; case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'"; case Tok::Percent: return "'%'"; case Tok::EqEq: return "'=='";
    case Tok::EqEqEq: return "'==='"; case Tok::NotEq: return "'!='"; case Tok::NotEqEq: return "'!=='";
    case Tok::Lt: return "'<'"; case Tok::Le: return "'<='"; case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='"; case Tok::AndAnd: return "'&&'"; case Tok::OrOr: return "'||'";
    case Tok::Bang: return "'!'";
    case Tok::SymModule: return "'λ'"; case Tok::SymFunction: return "'ƒ'";
    case Tok::SymLambda: return "'φ'"; case Tok::HintNumber: return "'ι'";
    case Tok::HintString: return "'σ'"; case Tok::HintAny: return "'ξ'";
    case Tok::SymTry: return "'÷'"; case Tok::SymEmpty: return "'∅'"; case Tok::SymLoop: return "'∞'";
    case Tok::SymCaught: return "'⚠'"; case Tok::SymPush: return "'＋'";
    case Tok::SymForEach: return "'∀'"; case Tok::SymBuiltin: return "built-in symbol";
  }
  return "token";
}

std::vector<Token> tokenize(std::string_view source, std::vector<Comment>* comments) {
  return Lexer(source, comments).run();
}

}  // namespace anarchy

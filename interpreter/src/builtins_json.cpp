// The JSON namespace: JSON.stringify(v [, replacer [, indent]]) and JSON.parse(text), as
// JavaScript does them. Bad JSON is a SyntaxError, a cyclic value a TypeError, and nesting
// deeper than kMaxNesting a RangeError (so neither direction can exhaust the native stack).
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "anarchy/interpreter/value_text.hpp"
#include "builtins_support.hpp"

namespace anarchy::builtins {

namespace {

// ---------------------------------------------------------------------------------------------
// stringify
// ---------------------------------------------------------------------------------------------

// Functions (and modules) have no JSON form: skipped in objects, null in arrays.
bool has_json_form(const Value& v) {
  return !v.is_callable() && !v.is_unset() && v.tag() != Tag::Module;
}

class JsonWriter {
 public:
  JsonWriter(std::string& out, std::string_view indent) : out_(out), indent_(indent) {}

  // An optional replacer: a function called as fn(key, value) for every value, or a list of
  // the object keys to keep.
  void set_replacer(Interpreter* interp, const Value& replacer) {
    interp_ = interp;
    if (replacer.is_callable()) {
      replacer_fn_ = replacer;
    } else if (replacer.is_array()) {
      has_allow_list_ = true;
      for (const Value& k : arr_of(replacer)->items)
        if (k.is_string() || k.is_number()) allow_list_.push_back(to_display(k));
    }
  }

  // Writes the root value; false when it has no JSON form.
  bool root(const Value& v) {
    Value root = replacer_fn_.is_unset() ? v : replaced(make_string(""), v);
    if (!has_json_form(root)) return false;
    write(root);
    return true;
  }

 private:
  Value replaced(const Value& key, const Value& v) {
    if (replacer_fn_.is_unset()) return v;
    std::array<Value, 2> cb{key, v};
    return interp_->call_callback(replacer_fn_, cb);
  }

  void write(const Value& v) {
    switch (v.tag()) {
      case Tag::Null: out_.append("null"); break;
      case Tag::Bool: out_.append(v.as_bool() ? "true" : "false"); break;
      case Tag::Number:
        if (std::isfinite(v.as_number())) append_number(out_, v.as_number());
        else out_.append("null");
        break;
      case Tag::String: append_json_quoted(out_, str_of(v)->view()); break;
      case Tag::Array: array(v); break;
      case Tag::Object: object(v); break;
      default: out_.append("null"); break;
    }
  }

  void enter(const HeapObj* o) {
    for (const HeapObj* open : path_)
      if (open == o) type_error("JSON.stringify: cannot convert a cyclic structure");
    if (path_.size() >= kMaxNesting) range_error("JSON.stringify: value is nested too deeply");
    path_.push_back(o);
  }

  // A line break and the indentation of the current depth (nothing when not indenting).
  void newline() {
    if (indent_.empty()) return;
    out_.push_back('\n');
    for (size_t i = 0; i < path_.size(); ++i) out_.append(indent_);
  }

  void array(const Value& v) {
    const ValueVector& items = arr_of(v)->items;
    enter(arr_of(v));
    out_.push_back('[');
    for (size_t i = 0; i < items.size(); ++i) {  // a replacer may change the array: re-check
      if (i) out_.push_back(',');
      newline();
      Value item = replacer_fn_.is_unset()
                       ? items[i]
                       : replaced(make_string(number_to_string(static_cast<double>(i))), items[i]);
      if (has_json_form(item)) write(item);
      else out_.append("null");
    }
    bool any = !items.empty();
    path_.pop_back();
    if (any) newline();
    out_.push_back(']');
  }

  bool allowed(std::string_view key) const {
    if (!has_allow_list_) return true;
    for (const std::string& k : allow_list_)
      if (k == key) return true;
    return false;
  }

  void object(const Value& v) {
    const ObjectObj* o = obj_of(v);
    enter(o);
    out_.push_back('{');
    bool any = false;
    // Index loop over a snapshot size: a replacer function may add or remove keys.
    for (size_t i = 0; i < o->props.size(); ++i) {
      Value key = o->props.entries()[i].key;
      if (!allowed(str_of(key)->view())) continue;
      Value value = replaced(key, o->props.entries()[i].value);
      if (!has_json_form(value)) continue;
      if (any) out_.push_back(',');
      any = true;
      newline();
      append_json_quoted(out_, str_of(key)->view());
      out_.push_back(':');
      if (!indent_.empty()) out_.push_back(' ');
      write(value);
    }
    path_.pop_back();
    if (any) newline();
    out_.push_back('}');
  }

  std::string& out_;
  std::string_view indent_;
  std::vector<const HeapObj*> path_;
  Interpreter* interp_ = nullptr;
  Value replacer_fn_;
  bool has_allow_list_ = false;
  std::vector<std::string> allow_list_;
};

// JSON.stringify's indent argument: a count of spaces (at most 10) or a string (its first 10
// bytes); anything else means no indentation.
std::string indent_text(const Value& v) {
  if (v.is_number()) {
    double n = std::min(10.0, to_integer(v.as_number()));
    return n >= 1 ? std::string(static_cast<size_t>(n), ' ') : std::string();
  }
  if (v.is_string()) return std::string(str_of(v)->view().substr(0, 10));
  return {};
}

Value stringify(Interpreter& interp, const Value&, Args args) {
  std::string indent = indent_text(arg(args, 2));
  std::string out;
  JsonWriter writer(out, indent);
  writer.set_replacer(&interp, arg(args, 1));
  if (!writer.root(arg(args, 0))) return Value::null();  // JavaScript: undefined
  check_string_size(out.size(), "JSON.stringify");
  return make_string(out);
}

// ---------------------------------------------------------------------------------------------
// parse
// ---------------------------------------------------------------------------------------------

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  Value document() {
    Value v = value();
    skip_space();
    if (pos_ != s_.size()) unexpected();
    return v;
  }

 private:
  [[noreturn]] void unexpected() const {
    if (pos_ >= s_.size()) throw_error(ErrorKind::SyntaxError, "JSON.parse: unexpected end of input");
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    std::string what = c > 0x20 && c < 0x7F ? std::string("character '") + static_cast<char>(c) + "'"
                                            : std::string("character");
    throw_error(ErrorKind::SyntaxError,
                "JSON.parse: unexpected " + what + " at position " + std::to_string(pos_));
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  void expect(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) unexpected();
    ++pos_;
  }

  void literal(std::string_view word) {
    for (char c : word) expect(c);
  }

  Value value() {
    skip_space();
    switch (peek()) {
      case '{': return object();
      case '[': return array();
      case '"': return make_string(string());
      case 't': literal("true"); return Value::boolean(true);
      case 'f': literal("false"); return Value::boolean(false);
      case 'n': literal("null"); return Value::null();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        unexpected();
    }
  }

  void descend() {
    if (++depth_ > kMaxNesting) range_error("JSON.parse: nesting is too deep");
  }

  Value array() {
    descend();
    ++pos_;  // '['
    Value out = make_array();
    skip_space();
    if (peek() == ']') {
      ++pos_;
    } else {
      while (true) {
        arr_of(out)->items.push_back(value());
        skip_space();
        if (peek() == ',') { ++pos_; continue; }
        expect(']');
        break;
      }
    }
    --depth_;
    return out;
  }

  Value object() {
    descend();
    ++pos_;  // '{'
    Value out = make_object();
    skip_space();
    if (peek() == '}') {
      ++pos_;
    } else {
      while (true) {
        skip_space();
        if (peek() != '"') unexpected();
        Value key = make_string(string());
        skip_space();
        expect(':');
        obj_of(out)->props.set(key, value());  // a repeated key: the last value wins
        skip_space();
        if (peek() == ',') { ++pos_; continue; }
        expect('}');
        break;
      }
    }
    --depth_;
    return out;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  Value number() {
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else {
      if (!(peek() >= '1' && peek() <= '9')) unexpected();
      digits();
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) unexpected();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) unexpected();
    }
    return Value::number(decimal_to_double(s_.substr(start, pos_ - start)));
  }

  size_t digits() {
    size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ - start;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {  // includes lone surrogates, kept as their 3-byte form
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  uint32_t hex4() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
      if (d < 0) unexpected();
      v = v * 16 + static_cast<uint32_t>(d);
      ++pos_;
    }
    return v;
  }

  // \uXXXX, joining a surrogate pair into one code point.
  uint32_t unicode_escape() {
    uint32_t cp = hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
      size_t save = pos_;
      pos_ += 2;
      uint32_t low = hex4();
      if (low >= 0xDC00 && low <= 0xDFFF) return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      pos_ = save;  // not a pair: the second escape is read on its own
    }
    return cp;
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) unexpected();
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) unexpected();
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      char e = peek();
      ++pos_;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': append_utf8(out, unicode_escape()); break;
        default: --pos_; unexpected();
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

Value parse(Interpreter&, const Value&, Args args) {
  if (!is_missing(args, 1)) type_error("JSON.parse: a reviver function is not supported");
  std::string scratch;
  return json_parse(text_of(arg(args, 0), scratch));
}

}  // namespace

Value json_parse(std::string_view text) { return JsonParser(text).document(); }

bool json_stringify(const Value& v, std::string_view indent, std::string& out) {
  return JsonWriter(out, indent).root(v);
}

void add_json_globals(GlobalList& out) {
  Value json = make_object();
  add_native(json, "parse", parse, "JSON.parse");
  add_native(json, "stringify", stringify, "JSON.stringify");
  out.emplace_back("JSON", std::move(json));
}

}  // namespace anarchy::builtins

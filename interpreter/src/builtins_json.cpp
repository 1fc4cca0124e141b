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

// Writes JSON like JavaScript's JSON.stringify. Nesting is walked with an explicit stack of
// open containers (no recursion, so depth costs no native stack); the stack is also the path
// used to detect cycles. A replacer function is guest code and may change the containers while
// they are written, so, as in JavaScript, each frame fixes its array length or object key list
// when it opens and holds a reference to its container.
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
    element(root);
    while (!stack_.empty()) {
      // Shared sub-values can make the text exponentially longer than the value is big.
      check_string_size(out_.size(), "JSON.stringify");
      if (stack_.back().container.is_array())
        array_step();
      else
        object_step();
    }
    return true;
  }

 private:
  struct Frame {
    Value container;          // keeps it alive even if a replacer detaches it from its parent
    size_t length = 0;        // elements or entries when it opened
    std::vector<Value> keys;  // objects, with a replacer function: the keys when it opened
    size_t next = 0;          // index of the next element or entry
    bool any = false;         // something was written (decides the line break before the bracket)
  };

  Value replaced(const Value& key, const Value& v) {
    std::array<Value, 2> cb{key, v};
    return interp_->call_callback(replacer_fn_, cb);
  }

  // Writes a scalar, or opens a container and pushes its frame.
  void element(const Value& v) {
    switch (v.tag()) {
      case Tag::Null:
        out_.append("null");
        break;
      case Tag::Bool:
        out_.append(v.as_bool() ? "true" : "false");
        break;
      case Tag::Number:
        if (std::isfinite(v.as_number()))
          append_number(out_, v.as_number());
        else
          out_.append("null");
        break;
      case Tag::String:
        append_json_quoted(out_, str_of(v)->view());
        break;
      case Tag::Array:
        open(v, '[');
        break;
      case Tag::Object:
        open(v, '{');
        break;
      default:
        out_.append("null");
        break;
    }
  }

  void open(const Value& v, char bracket) {
    for (const Frame& f : stack_)
      if (f.container.same_payload(v))
        type_error("JSON.stringify: cannot convert a cyclic structure");
    if (stack_.size() >= kMaxNesting) range_error("JSON.stringify: value is nested too deeply");
    out_.push_back(bracket);
    Frame f;
    f.container = v;
    if (v.is_array()) {
      f.length = arr_of(v)->items.size();
    } else {
      f.length = obj_of(v)->props.size();
      if (!replacer_fn_.is_unset())
        for (const auto& e : obj_of(v)->props.entries()) f.keys.push_back(e.key);
    }
    stack_.push_back(std::move(f));
  }

  void close(char bracket) {
    bool any = stack_.back().any;
    stack_.pop_back();
    if (any) newline();
    out_.push_back(bracket);
  }

  // A line break and the indentation of the current depth (nothing when not indenting).
  void newline() {
    if (indent_.empty()) return;
    out_.push_back('\n');
    for (size_t i = 0; i < stack_.size(); ++i) out_.append(indent_);
  }

  void array_step() {
    Frame& f = stack_.back();
    const ValueVector& items = arr_of(f.container)->items;
    if (f.next >= f.length) {
      close(']');
      return;
    }
    size_t i = f.next++;
    if (f.any) out_.push_back(',');
    f.any = true;
    newline();
    Value item = i < items.size() ? items[i] : Value::null();  // a replacer may have shrunk it
    if (!replacer_fn_.is_unset())
      item = replaced(make_string(number_to_string(static_cast<double>(i))), item);
    if (has_json_form(item))
      element(item);
    else
      out_.append("null");
  }

  bool allowed(std::string_view key) const {
    if (!has_allow_list_) return true;
    for (const std::string& k : allow_list_)
      if (k == key) return true;
    return false;
  }

  void object_step() {
    Frame& f = stack_.back();
    const PropertyMap& props = obj_of(f.container)->props;
    if (f.next >= f.length) {
      close('}');
      return;
    }
    size_t i = f.next++;
    Value key, value;
    if (replacer_fn_.is_unset()) {  // no guest code runs: the entries are as they were
      key = props.entries()[i].key;
      value = props.entries()[i].value;
    } else {  // the key list as it was; a key removed since then is skipped
      key = f.keys[i];
      const Value* current = props.find(str_of(key));
      if (!current) return;
      value = *current;
    }
    if (!allowed(str_of(key)->view())) return;
    if (!replacer_fn_.is_unset()) value = replaced(key, value);
    if (!has_json_form(value)) return;
    if (f.any) out_.push_back(',');  // f is still valid: only this writer changes stack_
    f.any = true;
    newline();
    append_json_quoted(out_, str_of(key)->view());
    out_.push_back(':');
    if (!indent_.empty()) out_.push_back(' ');
    element(value);
  }

  std::string& out_;
  std::string_view indent_;
  std::vector<Frame> stack_;
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

// A strict JSON parser (RFC 8259, as JSON.parse accepts it). Containers are kept on an
// explicit stack instead of recursion, so deep input costs no native stack; nesting beyond
// kMaxNesting is still refused, since such a value could not be printed or stringified.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  Value document() {
    Value result;
    while (result.is_unset()) {
      Value v = value_or_open();
      if (!v.is_unset()) result = attach(std::move(v));
    }
    skip_space();
    if (pos_ != s_.size()) unexpected();
    return result;
  }

 private:
  struct Frame {
    Value container;
    Value key;  // objects: the key whose value is being parsed
  };

  [[noreturn]] void unexpected() const {
    if (pos_ >= s_.size())
      throw_error(ErrorKind::SyntaxError, "JSON.parse: unexpected end of input");
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    std::string what = c > 0x20 && c < 0x7F
                           ? std::string("character '") + static_cast<char>(c) + "'"
                           : std::string("character");
    throw_error(ErrorKind::SyntaxError,
                "JSON.parse: unexpected " + what + " at position " + std::to_string(pos_));
  }

  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
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

  // Parses a scalar or an empty container and returns it; or opens a non-empty container
  // (pushing a frame) and returns Unset, its elements following.
  Value value_or_open() {
    skip_space();
    switch (peek()) {
      case '[':
      case '{':
        return open();
      case '"':
        return make_string(string());
      case 't':
        literal("true");
        return Value::boolean(true);
      case 'f':
        literal("false");
        return Value::boolean(false);
      case 'n':
        literal("null");
        return Value::null();
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        unexpected();
    }
  }

  Value open() {
    bool is_array = peek() == '[';
    ++pos_;
    skip_space();
    if (peek() == (is_array ? ']' : '}')) {
      ++pos_;
      return is_array ? make_array() : make_object();
    }
    if (stack_.size() >= kMaxNesting) range_error("JSON.parse: nesting is too deep");
    stack_.push_back(Frame{is_array ? make_array() : make_object(), Value()});
    if (!is_array) stack_.back().key = object_key();
    return Value();
  }

  // `"key" :` inside an object.
  Value object_key() {
    skip_space();
    if (peek() != '"') unexpected();
    Value key = make_string(string());
    skip_space();
    expect(':');
    return key;
  }

  // Stores a finished value into the innermost open container, closing every container it
  // completes. Returns the whole document once the outermost one is done, else Unset.
  Value attach(Value v) {
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.container.is_array())
        arr_of(f.container)->items.push_back(std::move(v));
      else
        obj_of(f.container)->props.set(f.key, std::move(v));  // a repeated key: last wins
      skip_space();
      if (peek() == ',') {
        ++pos_;
        if (!f.container.is_array()) f.key = object_key();
        return Value();
      }
      expect(f.container.is_array() ? ']' : '}');
      v = std::move(f.container);
      stack_.pop_back();
    }
    return v;
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
      int d = c >= '0' && c <= '9'                     ? c - '0'
              : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                       : -1;
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
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          append_utf8(out, unicode_escape());
          break;
        default:
          --pos_;
          unexpected();
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::vector<Frame> stack_;
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

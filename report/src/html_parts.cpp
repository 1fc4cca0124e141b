// Small HTML helpers shared by the HTML report's writer files.
#include "html_parts.hpp"

namespace aiprof::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void row(std::string& out, std::string_view key, const std::string& value_html) {
  out += "<tr><th>" + escape(key) + "</th><td>" + value_html + "</td></tr>\n";
}

}  // namespace aiprof::report::html

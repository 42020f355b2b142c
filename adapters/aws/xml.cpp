#include "adapters/aws/xml.hpp"

#include <cstdint>

namespace fluxaws::aws::xml {

const element* element::child(std::string_view local) const {
  for (const auto& c : children)
    if (c.name == local) return &c;
  return nullptr;
}

const element* element::find(std::initializer_list<std::string_view> path) const {
  const element* cur = this;
  for (auto step : path) {
    cur = cur->child(step);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::vector<const element*> element::all(std::string_view local) const {
  std::vector<const element*> out;
  for (const auto& c : children)
    if (c.name == local) out.push_back(&c);
  return out;
}

std::string_view element::child_text(std::string_view local, std::string_view fallback) const {
  const element* c = child(local);
  return c != nullptr ? std::string_view(c->text) : fallback;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}
bool name_char(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

bool xml_char(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
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

class reader {
 public:
  reader(std::string_view doc, const limits& lim) : s_(doc), lim_(lim) {}

  result<element> document() {
    if (s_.size() > lim_.max_bytes)
      return make_error("parse", "XML document of " + std::to_string(s_.size()) + " bytes exceeds the limit of " +
                                     std::to_string(lim_.max_bytes));
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (!misc(true)) return fail();
    if (at_end()) return error_at("empty document: no root element");
    if (peek() != '<') return error_at("text before the root element");
    element root;
    if (!parse_element(root, 1)) return fail();
    if (!misc(false)) return fail();
    if (!at_end()) return error_at("content after the root element");
    return root;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  bool starts(std::string_view lit) const { return s_.substr(pos_, lit.size()) == lit; }

  bool set_error(std::string msg) {
    if (err_.empty()) err_ = std::move(msg) + " at byte " + std::to_string(pos_);
    return false;
  }
  error_info fail() const { return make_error("parse", "malformed XML: " + err_); }
  error_info error_at(std::string msg) {
    set_error(std::move(msg));
    return fail();
  }

  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  // Comments, PIs and whitespace outside the root element. DOCTYPE is refused.
  bool misc(bool prolog) {
    for (;;) {
      skip_space();
      if (at_end()) return true;
      if (starts("<!--")) {
        if (!comment()) return false;
      } else if (starts("<?")) {
        if (!processing_instruction()) return false;
      } else if (starts("<!DOCTYPE") || starts("<!doctype")) {
        return set_error("DOCTYPE declarations are not accepted");
      } else if (starts("<!")) {
        return set_error("unexpected markup declaration");
      } else {
        (void)prolog;
        return true;
      }
    }
  }

  bool comment() {
    auto end = s_.find("-->", pos_ + 4);
    if (end == std::string_view::npos) return set_error("unterminated comment");
    pos_ = end + 3;
    return true;
  }

  bool processing_instruction() {
    auto end = s_.find("?>", pos_ + 2);
    if (end == std::string_view::npos) return set_error("unterminated processing instruction");
    pos_ = end + 2;
    return true;
  }

  bool name(std::string_view& out) {
    std::size_t start = pos_;
    if (at_end() || !name_start(static_cast<unsigned char>(peek()))) return set_error("expected a name");
    while (!at_end() && name_char(static_cast<unsigned char>(peek()))) ++pos_;
    out = s_.substr(start, pos_ - start);
    return true;
  }

  // Decodes one reference starting at '&' into out.
  bool reference(std::string& out) {
    auto semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return set_error("unterminated entity reference");
    auto ent = s_.substr(pos_ + 1, semi - pos_ - 1);
    if (ent == "amp") {
      out.push_back('&');
    } else if (ent == "lt") {
      out.push_back('<');
    } else if (ent == "gt") {
      out.push_back('>');
    } else if (ent == "quot") {
      out.push_back('"');
    } else if (ent == "apos") {
      out.push_back('\'');
    } else if (!ent.empty() && ent[0] == '#') {
      bool hex = ent.size() > 1 && ent[1] == 'x';
      auto digits = ent.substr(hex ? 2 : 1);
      if (digits.empty()) return set_error("empty character reference");
      uint32_t cp = 0;
      for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9') {
          v = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          v = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          v = c - 'A' + 10;
        } else {
          return set_error("bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) return set_error("character reference out of range");
      }
      if (!xml_char(cp)) return set_error("character reference to a character XML does not allow");
      append_utf8(out, cp);
    } else {
      return set_error("unknown entity &" + std::string(ent.substr(0, 20)) + ";");
    }
    pos_ = semi + 1;
    return true;
  }

  bool attributes() {
    for (;;) {
      std::size_t before = pos_;
      skip_space();
      if (at_end()) return set_error("unterminated start tag");
      if (peek() == '>' || peek() == '/') return true;
      if (pos_ == before) return set_error("expected whitespace before an attribute");
      std::string_view attr;
      if (!name(attr)) return false;
      skip_space();
      if (at_end() || peek() != '=') return set_error("expected '=' after attribute name");
      ++pos_;
      skip_space();
      if (at_end() || (peek() != '"' && peek() != '\'')) return set_error("expected a quoted attribute value");
      char quote = peek();
      ++pos_;
      std::string ignored;
      for (;;) {
        if (at_end()) return set_error("unterminated attribute value");
        char c = peek();
        if (c == quote) break;
        if (c == '<') return set_error("'<' in attribute value");
        if (c == '&') {
          if (!reference(ignored)) return false;
        } else {
          ++pos_;
        }
      }
      ++pos_;
    }
  }

  bool parse_element(element& el, std::size_t depth) {
    if (depth > lim_.max_depth) return set_error("XML nesting deeper than " + std::to_string(lim_.max_depth));
    if (++elements_ > lim_.max_elements) return set_error("more than " + std::to_string(lim_.max_elements) + " elements");
    ++pos_;  // '<'
    std::string_view qname;
    if (!name(qname)) return false;
    auto colon = qname.rfind(':');
    el.name = std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
    if (!attributes()) return false;
    if (peek() == '/') {
      ++pos_;
      if (at_end() || peek() != '>') return set_error("expected '>' after '/'");
      ++pos_;
      return true;
    }
    ++pos_;  // '>'
    for (;;) {
      if (at_end()) return set_error("unexpected end of document inside <" + std::string(qname) + ">");
      char c = peek();
      if (c == '<') {
        if (starts("</")) {
          pos_ += 2;
          std::string_view closing;
          if (!name(closing)) return false;
          if (closing != qname)
            return set_error("</" + std::string(closing) + "> does not close <" + std::string(qname) + ">");
          skip_space();
          if (at_end() || peek() != '>') return set_error("expected '>' in end tag");
          ++pos_;
          return true;
        }
        if (starts("<!--")) {
          if (!comment()) return false;
        } else if (starts("<![CDATA[")) {
          auto end = s_.find("]]>", pos_ + 9);
          if (end == std::string_view::npos) return set_error("unterminated CDATA section");
          el.text.append(s_.substr(pos_ + 9, end - pos_ - 9));
          pos_ = end + 3;
        } else if (starts("<?")) {
          if (!processing_instruction()) return false;
        } else if (starts("<!")) {
          return set_error("markup declarations are not accepted inside elements");
        } else {
          el.children.emplace_back();
          if (!parse_element(el.children.back(), depth + 1)) return false;
        }
      } else if (c == '&') {
        if (!reference(el.text)) return false;
      } else {
        auto next = s_.find_first_of("<&", pos_);
        if (next == std::string_view::npos) next = s_.size();
        el.text.append(s_.substr(pos_, next - pos_));
        pos_ = next;
      }
    }
  }

  std::string_view s_;
  limits lim_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
  std::string err_;
};

}  // namespace

result<element> parse(std::string_view document, const limits& lim) { return reader(document, lim).document(); }

}  // namespace fluxaws::aws::xml

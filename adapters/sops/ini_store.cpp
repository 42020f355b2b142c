// The INI store: go-ini's reading as SOPS configures it (non-unique sections allowed,
// "=" and ":" delimiters, ';'/'#' comments attached to the next section or key,
// inline comments cut at the first ';' or '#', """ and ` quoted values that may span
// lines, trailing-backslash continuation, surrounding quotes stripped), and go-ini's
// writing (keys aligned per section, values quoted when they need it).
// The tree is a mapping of sections ("DEFAULT" first) to mappings of strings; a
// section comment is the first entry of its section and a key's comment follows it.
#include <algorithm>

#include "adapters/common/strings.hpp"
#include "adapters/sops/stores.hpp"

namespace fluxaws::sops {

namespace {

bool ini_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view ltrim(std::string_view s) {
  while (!s.empty() && ini_space(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view trim(std::string_view s) {
  s = ltrim(s);
  while (!s.empty() && ini_space(s.back())) s.remove_suffix(1);
  return s;
}

struct ini_key {
  std::string name, value, comment;
};
struct ini_section {
  std::string name, comment;
  std::vector<ini_key> keys;
};

class ini_reader {
 public:
  explicit ini_reader(std::string_view text) : text_(text) {}

  result<std::vector<ini_section>> parse() {
    std::vector<ini_section> sections(1);
    sections[0].name = "DEFAULT";
    std::string_view raw;
    while (next_line(raw)) {
      std::string_view line = ltrim(raw);
      if (line.empty()) continue;
      if (line[0] == '#' || line[0] == ';') {
        comment_ += line;
        if (comment_.empty() || comment_.back() != '\n') comment_ += '\n';
        continue;
      }
      if (line[0] == '[') {
        std::size_t close = line.rfind(']');
        if (close == std::string_view::npos) return error("unclosed section header");
        ini_section s;
        s.name = std::string(line.substr(1, close - 1));
        std::string_view rest = line.substr(close + 1);
        if (auto c = rest.find_first_of("#;"); c != std::string_view::npos) comment_ += rest.substr(c);
        s.comment = std::string(trim(comment_));
        comment_.clear();
        sections.push_back(std::move(s));
        continue;
      }
      std::string name;
      std::size_t offset = 0;
      if (auto st = read_key_name(line, name, offset); !st) return st.error();
      if (name == "-") {  // go-ini's auto-increment key
        name.assign(1, '#');
        name.append(std::to_string(auto_count_++));
      }
      auto value = read_value(line.substr(offset));
      if (!value) return value.error();
      auto& keys = sections.back().keys;
      auto it = std::find_if(keys.begin(), keys.end(), [&](const ini_key& k) { return k.name == name; });
      if (it == keys.end()) {
        keys.push_back(ini_key{name, std::move(*value), {}});
        it = keys.end() - 1;
      } else {
        it->value = std::move(*value);
      }
      it->comment = std::string(trim(comment_));
      comment_.clear();
    }
    return sections;
  }

 private:
  // Lines keep their '\n', as go-ini's readUntil does.
  bool next_line(std::string_view& out) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    end = end == std::string_view::npos ? text_.size() : end + 1;
    out = text_.substr(pos_, end - pos_);
    pos_ = end;
    ++line_no_;
    return true;
  }

  error_info error(std::string what) const {
    return make_error("sops_parse", "invalid INI at line " + std::to_string(line_no_) + ": " + what);
  }

  status read_key_name(std::string_view line, std::string& name, std::size_t& offset) {
    std::string_view quote;
    if (line.substr(0, 3) == "\"\"\"" && line.size() > 6) quote = "\"\"\"";
    else if (line[0] == '"') quote = "\"";
    else if (line[0] == '`') quote = "`";
    if (!quote.empty()) {
      std::size_t start = quote.size();
      std::size_t pos = line.find(quote, start);
      if (pos == std::string_view::npos) return error("missing closing key quote");
      std::size_t i = line.find_first_of("=:", pos + start);
      if (i == std::string_view::npos) return error("no '=' after the key");
      name = std::string(trim(line.substr(start, pos - start)));
      offset = i + 1;
      return {};
    }
    std::size_t i = line.find_first_of("=:");
    if (i == std::string_view::npos) return error("expected key = value");
    name = std::string(trim(line.substr(0, i)));
    offset = i + 1;
    return {};
  }

  result<std::string> read_value(std::string_view in) {
    std::string_view line = ltrim(in);
    if (line.empty()) return std::string();
    std::string_view quote;
    if (line.size() > 3 && line.substr(0, 3) == "\"\"\"") quote = "\"\"\"";
    else if (line[0] == '`') quote = "`";
    if (!quote.empty()) {
      std::string_view body = line.substr(quote.size());
      std::size_t pos = body.rfind(quote);
      if (pos != std::string_view::npos) return std::string(body.substr(0, pos));
      std::string val(body);
      std::string_view next;
      while (true) {
        if (!next_line(next)) return error("missing closing quote of a multi-line value");
        std::size_t p = next.rfind(quote);
        if (p != std::string_view::npos) {
          val += next.substr(0, p);
          std::string_view after = next.substr(p);
          if (auto c = after.find_first_of("#;"); c != std::string_view::npos) comment_ += trim(after.substr(c));
          return val;
        }
        val += next;
      }
    }
    std::string_view v = trim(line);
    if (!v.empty() && v.back() == '\\') {
      std::string val(v.substr(0, v.size() - 1));
      std::string_view next;
      while (next_line(next)) {
        std::string_view t = trim(next);
        if (t.empty()) break;
        val += t;
        if (val.back() != '\\') break;
        val.pop_back();
      }
      return val;
    }
    if (auto c = v.find_first_of("#;"); c != std::string_view::npos) {
      comment_ += v.substr(c);
      v = trim(v.substr(0, c));
    }
    for (char q : {'\'', '"'}) {
      if (v.size() >= 2 && v.front() == q && v.back() == q && v.substr(1).find(q) == v.size() - 2) {
        v = v.substr(1, v.size() - 2);
        break;
      }
    }
    return std::string(v);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_no_ = 0;
  std::size_t auto_count_ = 1;
  std::string comment_;
};

// SOPS' stripCommentChar.
std::string strip_comment_char(std::string_view c) {
  std::string_view set = c.substr(0, 1) == ";" ? "; " : c.substr(0, 1) == "#" ? "# " : "";
  if (!set.empty()) {
    std::size_t i = c.find_first_not_of(set);
    c = i == std::string_view::npos ? std::string_view() : c.substr(i);
  }
  return std::string(c);
}

void write_comment(std::string& out, const std::string& comment) {
  for (auto line : str::split(comment, '\n')) {
    std::string_view l = trim(line);
    if (!l.empty() && (l[0] == '#' || l[0] == ';')) {
      out += l[0];
      out += ' ';
      out += trim(l.substr(1));
    } else {
      out += "; ";
      out += l;
    }
    out += '\n';
  }
}

}  // namespace

result<node> load_ini(std::string_view text) {
  auto sections = ini_reader(text).parse();
  if (!sections) return sections.error();
  node root = node::make_mapping();
  for (auto& s : *sections) {
    node sec = node::make_mapping();
    if (!s.comment.empty()) sec.entries.push_back(entry{std::string(), node::make_comment(strip_comment_char(s.comment))});
    for (auto& k : s.keys) {
      sec.entries.push_back(entry{k.name, node::make_string(std::move(k.value))});
      if (!k.comment.empty())
        sec.entries.push_back(entry{std::string(), node::make_comment(strip_comment_char(k.comment))});
    }
    root.entries.push_back(entry{s.name, std::move(sec)});
  }
  return root;
}

result<std::string> emit_ini(const node& mapping) {
  std::string out;
  bool first_section = true;
  for (std::size_t si = 0; si < mapping.entries.size(); ++si) {
    const entry& e = mapping.entries[si];
    if (e.is_comment()) continue;
    if (e.value.kind != node_kind::mapping)
      return make_error("sops_format", "INI section \"" + e.key + "\" must be a mapping of keys to values");
    ini_section s;
    s.name = e.key;
    const auto& items = e.value.entries;
    std::size_t i = 0;
    if (!items.empty() && items[0].is_comment()) s.comment = items[i++].value.text;
    for (; i < items.size(); ++i) {
      if (items[i].is_comment()) {
        if (!s.keys.empty()) s.keys.back().comment = items[i].value.text;
        continue;
      }
      if (!items[i].value.is_scalar())
        return make_error("sops_format", "INI value \"" + s.name + "." + items[i].key + "\" must be a scalar");
      s.keys.push_back(ini_key{items[i].key, value_to_string(items[i].value), {}});
    }
    bool is_default = si == 0 && s.name == "DEFAULT";
    if (is_default && s.keys.empty() && s.comment.empty()) continue;
    if (!first_section) out += '\n';
    first_section = false;
    if (!s.comment.empty()) write_comment(out, s.comment);
    if (!is_default) out += "[" + s.name + "]\n";
    std::size_t align = 0;
    auto shown_name = [](const std::string& k) {
      if (k.find('"') != std::string::npos || k.find_first_of("=:") != std::string::npos) return "`" + k + "`";
      if (k.find('`') != std::string::npos) return "\"\"\"" + k + "\"\"\"";
      return k;
    };
    for (const auto& k : s.keys) align = std::max(align, shown_name(k.name).size());
    for (const auto& k : s.keys) {
      if (!k.comment.empty()) write_comment(out, k.comment);
      std::string name = shown_name(k.name);
      out += name;
      out.append(align - name.size(), ' ');
      std::string val = k.value;
      if (val.find_first_of("\n`") != std::string::npos) val = "\"\"\"" + val + "\"\"\"";
      else if (val.find_first_of("#;") != std::string::npos) val = "`" + val + "`";
      else if (trim(val).size() != val.size()) val = "\"" + val + "\"";
      out += " = ";
      out += val;
      out += '\n';
    }
  }
  return out;
}

}  // namespace fluxaws::sops

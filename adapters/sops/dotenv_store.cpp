// The dotenv store (stores/dotenv/store.go): lines split on '\n', '#' at the start of
// a line makes a comment, the rest is split at the first '=' with no trimming (so
// "foo =x" has the key "foo "), and "\n" in a value is an escaped newline.
#include "adapters/common/strings.hpp"
#include "adapters/sops/stores.hpp"

namespace fluxaws::sops {

result<node> load_dotenv(std::string_view text) {
  node m = node::make_mapping();
  std::size_t start = 0, line_no = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty()) {
      if (line[0] == '#') {
        m.entries.push_back(entry{std::string(), node::make_comment(std::string(line.substr(1)))});
      } else {
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos)
          return make_error("sops_parse", "invalid dotenv input at line " + std::to_string(line_no) +
                                              ": expected KEY=VALUE");
        m.entries.push_back(
            entry{std::string(line.substr(0, eq)), node::make_string(str::replace_all(line.substr(eq + 1), "\\n", "\n"))});
      }
    }
    if (end == text.size()) break;
    start = end + 1;
    ++line_no;
  }
  return m;
}

result<std::string> emit_dotenv(const node& mapping) {
  std::string out;
  for (const auto& e : mapping.entries) {
    if (e.is_comment()) {
      out += '#';
      out += e.value.text;
      out += '\n';
      continue;
    }
    if (!e.value.is_scalar())
      return make_error("sops_format", "cannot use a nested value in a dotenv file (key \"" + e.key + "\")");
    out += e.key;
    out += '=';
    out += e.value.kind == node_kind::string ? str::replace_all(e.value.text, "\n", "\\n") : value_to_string(e.value);
    out += '\n';
  }
  return out;
}

}  // namespace fluxaws::sops

#include "adapters/kube/watch_event.hpp"

namespace fluxaws::kube {

bool line_splitter::feed(std::string_view chunk, std::vector<std::string>& out) {
  if (failed_) return false;
  while (!chunk.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (partial_.size() + chunk.size() > max_line_) {
        failed_ = true;
        partial_.clear();
        return false;
      }
      partial_.append(chunk);
      return true;
    }
    if (partial_.size() + nl > max_line_) {
      failed_ = true;
      partial_.clear();
      return false;
    }
    partial_.append(chunk.substr(0, nl));
    chunk.remove_prefix(nl + 1);
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!partial_.empty()) out.push_back(std::move(partial_));
    partial_.clear();
  }
  return true;
}

std::string watch_event::resource_version() const {
  const json::value* rv = object.at({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

int watch_event::status_code() const {
  const json::value* c = object.find("code");
  return c ? static_cast<int>(c->as_int()) : 0;
}

std::string watch_event::status_message() const {
  const json::value* m = object.find("message");
  return m && m->is_string() ? m->as_string() : std::string();
}

result<watch_event> parse_watch_event(std::string_view line) {
  std::string err;
  auto doc = json::parse(line, &err);
  if (!doc) return make_error("parse", "watch event is not JSON: " + err);
  if (!doc->is_object()) return make_error("parse", "watch event is not a JSON object");
  const json::value* type = doc->find("type");
  if (!type || !type->is_string()) return make_error("parse", "watch event has no type");
  watch_event ev;
  const std::string& t = type->as_string();
  if (t == "ADDED") ev.kind = watch_event::type::added;
  else if (t == "MODIFIED") ev.kind = watch_event::type::modified;
  else if (t == "DELETED") ev.kind = watch_event::type::deleted;
  else if (t == "BOOKMARK") ev.kind = watch_event::type::bookmark;
  else if (t == "ERROR") ev.kind = watch_event::type::error;
  else return make_error("parse", "watch event has an unknown type \"" + t + "\"");
  json::value* obj = doc->find("object");
  if (!obj || !obj->is_object()) return make_error("parse", "watch event " + t + " has no object");
  ev.object = std::move(*obj);
  if (ev.kind != watch_event::type::error && ev.kind != watch_event::type::bookmark) {
    const json::value* name = ev.object.at({"metadata", "name"});
    if (!name || !name->is_string() || name->as_string().empty())
      return make_error("parse", "watch event " + t + " carries an object without metadata.name");
  }
  return ev;
}

}  // namespace fluxaws::kube

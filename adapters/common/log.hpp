// Structured logging as Flux's controllers write it: JSON lines
// {"level","ts","msg", then fields} or a console form. Thread-safe; one process-wide
// sink configured by the runtime. Callers pass names and reasons as fields —
// never credentials, tokens, signatures or decrypted values.
#pragma once

#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::log {

enum class level { debug = 0, info = 1, error = 2 };

struct field {
  std::string_view key;
  std::string value;
};

// Defaults: info, JSON, std::cerr.
void configure(level min, bool json, std::ostream* out);
bool enabled(level l);
std::optional<level> parse_level(std::string_view s);

void write(level l, std::string_view msg, std::initializer_list<field> fields);
void write(level l, std::string_view msg, const std::vector<field>& fields);

inline void debug(std::string_view msg, std::initializer_list<field> f = {}) { write(level::debug, msg, f); }
inline void info(std::string_view msg, std::initializer_list<field> f = {}) { write(level::info, msg, f); }
inline void error(std::string_view msg, std::initializer_list<field> f = {}) { write(level::error, msg, f); }

}  // namespace fluxaws::log

// Time formats used on the wire: RFC 3339 (Kubernetes, STS), SigV4's basic ISO 8601
// (20150830T123600Z), HTTP dates, and Go durations as Flux writes them ("1m30s").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::timefmt {

using sys_time = std::chrono::system_clock::time_point;

std::string rfc3339(sys_time t);                 // 2015-08-30T12:36:00Z (second precision)
std::string rfc3339_millis(sys_time t);          // 2015-08-30T12:36:00.000Z
// Accepts Z or +hh:mm/-hh:mm offsets and an optional fraction.
std::optional<sys_time> parse_rfc3339(std::string_view s);
std::string amz_date(sys_time t);                // 20150830T123600Z
std::string amz_day(sys_time t);                 // 20150830
std::optional<sys_time> parse_amz_date(std::string_view s);
std::string http_date(sys_time t);               // Sun, 30 Aug 2015 12:36:00 GMT

// Go's time.ParseDuration: "300ms", "1.5h", "2h45m", "-1m" (sign allowed), units
// ns us µs ms s m h. nullopt on anything else (including an empty string).
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s);
// Go's Duration.String(): "1m0s", "1h30m0s", "500ms", "0s".
std::string go_duration(std::chrono::nanoseconds d);

}  // namespace fluxaws::timefmt

// The trace document as an nlohmann::ordered_json value, for callers that
// embed a trace (or a part of it) in another JSON document, such as a
// machine-readable report.
#pragma once

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace traces {

// The whole document, fields in the order docs/trace-format.md lists them.
nlohmann::ordered_json trace_json(const Trace& trace);
// {"file", "line", "function"}, or null when the location is unknown.
nlohmann::ordered_json location_json(const Location& location);

}  // namespace traces

// Exporting a trace for viewers: Chrome trace event JSON (opens in
// Perfetto's UI and in chrome://tracing) and a self-contained HTML
// timeline.
//
// Both place step i at logical time i, because the engine has no real
// time, only an order.  In the Chrome format one step is 10 microseconds
// long with a 2 microsecond gap, and each thread has its own track.  A
// wakeup, spawn or release that enabled a step is a flow arrow, and the
// violation is a global instant event.  The HTML file needs no network: its style, script and the trace
// itself are inline, and it shows a lane per thread, a box per step that
// shows the step's details when clicked, and a red marker at the violation.
#pragma once

#include <filesystem>
#include <string>

#include "traces/trace.hpp"

namespace traces {

std::string chrome_trace_json(const Trace& trace);
std::string html_timeline(const Trace& trace);

// Write the exports to new files; like write_trace, they never overwrite a
// file (TraceError naming the path).
void write_chrome_trace(const std::filesystem::path& path, const Trace& trace);
void write_html_timeline(const std::filesystem::path& path, const Trace& trace);

}  // namespace traces

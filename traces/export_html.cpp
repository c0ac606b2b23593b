// The HTML timeline: one file with inline style and script, and the trace
// document itself inside a <script type="application/json"> element, from
// which the script draws a lane per thread and a box per step.
#include <nlohmann/json.hpp>

#include "traces/export.hpp"
#include "traces/trace_json.hpp"

namespace traces {

namespace {

constexpr const char* page_head = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>vtp trace</title>
<style>
  :root { --step: 18px; --label: 230px; --lane: 30px; }
  body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
  header { padding: 12px 16px; background: #fff; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 17px; margin: 0 0 4px; }
  header .meta { color: #555; font-family: ui-monospace, monospace; font-size: 12px; }
  #violation-summary { margin-top: 6px; padding: 6px 8px; background: #fdecea; border-left: 4px solid #c62828; }
  #timeline { position: relative; overflow-x: auto; background: #fff; border-bottom: 1px solid #ddd; }
  #ruler, .lane { display: flex; height: var(--lane); }
  #ruler { height: 20px; color: #888; font-size: 10px; }
  .lane-label { position: sticky; left: 0; z-index: 2; flex: 0 0 var(--label); box-sizing: border-box;
                padding: 0 8px; line-height: var(--lane); background: #f3f3f3; border-right: 1px solid #ccc;
                white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, monospace; }
  .lane { border-top: 1px solid #eee; }
  .lane-track, .ruler-track { position: relative; flex: 0 0 auto; }
  .tick { position: absolute; top: 4px; }
  .step { position: absolute; top: 5px; width: calc(var(--step) - 3px); height: calc(var(--lane) - 10px);
          padding: 0; border: 1px solid rgba(0,0,0,.25); border-radius: 3px; cursor: pointer; background: #90a4ae;
          font-size: 10px; color: #102027; overflow: hidden; }
  .step.mutex { background: #64b5f6; } .step.wait { background: #bdbdbd; } .step.injected { background: #ffb74d; }
  .step.notify { background: #81c784; } .step.atomic { background: #ba68c8; } .step.thread { background: #4db6ac; }
  .step.sleep { background: #a1887f; }
  .step.preemption { border: 2px solid #000; }
  .step.selected { outline: 3px solid #1565c0; outline-offset: 1px; }
  .step.violating { background: #e53935; }
  #violation-marker { position: absolute; top: 0; bottom: 0; width: 2px; background: #c62828; z-index: 1; pointer-events: none; }
  #violation-marker span { position: absolute; top: 2px; left: 4px; color: #c62828; font-weight: 600; white-space: nowrap; font-size: 11px; }
  #violation-marker.label-left span { left: auto; right: 4px; }
  #details { padding: 12px 16px; }
  #details table { border-collapse: collapse; }
  #details th { text-align: left; padding: 2px 12px 2px 0; color: #555; font-weight: normal; vertical-align: top; }
  #details td { font-family: ui-monospace, monospace; padding: 2px 0; }
  .legend span { display: inline-block; margin-right: 12px; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: middle; }
</style>
</head>
<body>
<header>
  <h1 id="title">vtp trace</h1>
  <div class="meta" id="meta"></div>
  <div id="violation-summary"></div>
  <div class="legend" id="legend"></div>
</header>
<div id="timeline"></div>
<section id="details"><p>Click a step (or use the arrow keys) to see its details.</p></section>
<noscript><p>This timeline is drawn by JavaScript; the trace itself is in the page source.</p></noscript>
<script type="application/json" id="trace-data">
)html";

constexpr const char* page_script = R"html(
</script>
<script>
"use strict";
(function () {
  const trace = JSON.parse(document.getElementById("trace-data").textContent);
  const css = getComputedStyle(document.documentElement);
  const labelWidth = parseInt(css.getPropertyValue("--label"), 10);
  // Short traces get wider boxes (up to 40 px) so that they fill the window;
  // long ones keep 18 px boxes and scroll.
  const room = Math.max(window.innerWidth - labelWidth - 60, 0);
  const stepWidth = Math.max(18, Math.min(40, Math.floor(room / Math.max(trace.steps.length, 1))));
  document.documentElement.style.setProperty("--step", stepWidth + "px");
  const groups = {
    lock: "mutex", unlock: "mutex", reacquire: "mutex",
    wait: "wait", timed_wait: "wait",
    wakeup_timeout: "injected", wakeup_spurious: "injected",
    signal: "notify", broadcast: "notify",
    load: "atomic", store: "atomic", rmw: "atomic",
    spawn: "thread", join: "thread",
    pause: "sleep", pause_end: "sleep", yield: "other"
  };
  const groupNames = { mutex: "mutex", wait: "wait",
    injected: "injected: timeout, spurious wakeup, failed creation",
    notify: "signal / broadcast", atomic: "atomic", thread: "spawn / join", sleep: "pause", other: "yield" };

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function where(location) {
    return location ? location.file + ":" + location.line : "-";
  }

  // Header.
  const violation = trace.violation;
  document.title = "vtp trace: " + trace.scenario + ": " + violation.property;
  document.getElementById("title").textContent = trace.scenario + ": " + violation.property;
  const parameters = Object.entries(trace.parameters).map(([k, v]) => k + "=" + v).join(" ");
  const b = trace.bounds;
  document.getElementById("meta").textContent =
    "parameters: " + (parameters || "none") + " | strategy " + trace.strategy + ", seed " + trace.seed +
    " | preemption bound " + b.preemption_bound + ", max steps " + b.max_steps +
    " | " + trace.steps.length + " steps, " + trace.threads.length + " threads | " +
    trace.fingerprint + " | tool " + trace.tool_version;
  document.getElementById("violation-summary").textContent =
    violation.kind + " '" + violation.property + "' at step " + violation.step + ": " + violation.message;
  const legend = document.getElementById("legend");
  for (const [group, name] of Object.entries(groupNames)) {
    const item = element("span", "", name);
    const swatch = element("i", "step " + group);
    swatch.style.position = "static";
    item.prepend(swatch);
    legend.appendChild(item);
  }

  // Lanes.
  const timeline = document.getElementById("timeline");
  const width = Math.max(trace.steps.length, 1) * stepWidth + 40;
  const ruler = element("div");
  ruler.id = "ruler";
  ruler.appendChild(element("div", "lane-label", "step"));
  const rulerTrack = element("div", "ruler-track");
  rulerTrack.style.width = width + "px";
  for (let i = 0; i < trace.steps.length; i += 10) {
    const tick = element("span", "tick", String(i));
    tick.style.left = i * stepWidth + "px";
    rulerTrack.appendChild(tick);
  }
  ruler.appendChild(rulerTrack);
  timeline.appendChild(ruler);

  const tracks = new Map();
  for (const thread of trace.threads) {
    const lane = element("div", "lane");
    lane.dataset.thread = thread.name;
    let label = thread.name;
    if (thread.given_name && thread.given_name !== thread.name) label += " (" + thread.given_name + ")";
    const labelNode = element("div", "lane-label", label);
    labelNode.title = label;
    lane.appendChild(labelNode);
    const track = element("div", "lane-track");
    track.style.width = width + "px";
    lane.appendChild(track);
    timeline.appendChild(lane);
    tracks.set(thread.name, track);
  }

  // Steps.
  const buttons = [];
  for (const step of trace.steps) {
    const failedCreation = step.operation === "spawn" && step.result !== 0;
    const group = failedCreation ? "injected" : groups[step.operation] || "other";
    const button = element("button", "step " + group);
    if (step.preemption) button.classList.add("preemption");
    if (step.index === violation.step) button.classList.add("violating");
    button.style.left = step.index * stepWidth + "px";
    button.title = step.index + ": " + step.operation + (step.object ? " " + step.object : "");
    button.dataset.step = step.index;
    if (stepWidth >= 28) button.textContent = String(step.index);
    button.addEventListener("click", () => select(step.index));
    const track = tracks.get(step.thread);
    if (track) track.appendChild(button);
    buttons.push(button);
  }

  // The violation marker spans every lane at the violating step (or at
  // the left edge when it was detected before the first step).
  const marker = element("div");
  marker.id = "violation-marker";
  const markerStep = Math.max(violation.step, 0);
  marker.style.left = labelWidth + markerStep * stepWidth + (violation.step >= 0 ? stepWidth - 2 : 0) + "px";
  marker.appendChild(element("span", "", "violation: " + violation.property));
  // In the right half the label goes left of the line, so that it stays
  // inside the timeline.
  if (markerStep * 2 >= trace.steps.length && trace.steps.length > 0) marker.classList.add("label-left");
  timeline.appendChild(marker);

  // Details.
  const details = document.getElementById("details");
  let selected = -1;
  function row(table, name, value) {
    const tr = element("tr");
    tr.appendChild(element("th", "", name));
    tr.appendChild(element("td", "", value));
    table.appendChild(tr);
  }
  function select(index) {
    if (index < 0 || index >= trace.steps.length) return;
    if (selected >= 0) buttons[selected].classList.remove("selected");
    selected = index;
    buttons[index].classList.add("selected");
    buttons[index].scrollIntoView({ block: "nearest", inline: "nearest" });

    const step = trace.steps[index];
    details.replaceChildren();
    details.appendChild(element("h2", "", "Step " + step.index));
    const table = element("table");
    row(table, "thread", step.thread);
    row(table, "operation", step.operation);
    row(table, "object", step.object || "-");
    if (step.object2) row(table, "second object", step.object2);
    if (step.joined) row(table, "joined thread", step.joined);
    if (step.spawned) row(table, "spawned thread", step.spawned);
    row(table, "location", where(step.location));
    row(table, "function", step.location ? step.location.function : "-");
    row(table, "choices", step.choices.length === 0 ? "none" :
      step.choices.map(c => c.kind + " " + c.value + " of " + c.alternatives).join(", "));
    row(table, "enabled threads", step.enabled.join(", "));
    row(table, "preemption", step.preemption ? "yes" : "no");
    row(table, "enabled by step", step.enabled_by >= 0 ? String(step.enabled_by) : "-");
    row(table, "result", String(step.result));
    details.appendChild(table);

    if (step.index === violation.step) {
      details.appendChild(element("h2", "", "Violation"));
      const violationTable = element("table");
      row(violationTable, "kind", violation.kind);
      row(violationTable, "property", violation.property);
      row(violationTable, "message", violation.message);
      row(violationTable, "threads", violation.threads.join(", ") || "-");
      row(violationTable, "objects", violation.objects.join(", ") || "-");
      row(violationTable, "location", where(violation.location));
      details.appendChild(violationTable);
    }
  }
  document.addEventListener("keydown", event => {
    if (event.key === "ArrowRight") select(selected + 1);
    if (event.key === "ArrowLeft") select(selected - 1);
  });
  if (violation.step >= 0) select(violation.step);
})();
</script>
</body>
</html>
)html";

}  // namespace

std::string html_timeline(const Trace& trace) {
    std::string data = trace_json(trace).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    // Inside a script element, "</script>" or "<!--" would end or change
    // the element; '<' occurs in JSON only inside strings, where \u003c is
    // the same character.
    std::string escaped;
    escaped.reserve(data.size());
    for (char c : data) {
        if (c == '<')
            escaped += "\\u003c";
        else
            escaped += c;
    }
    return std::string(page_head) + escaped + page_script;
}

void write_html_timeline(const std::filesystem::path& path, const Trace& trace) {
    write_new_file(path, html_timeline(trace));
}

}  // namespace traces

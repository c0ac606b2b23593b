// The Chrome trace event and HTML exports.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/traces/test_scenarios.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/export.hpp"
#include "traces/trace_json.hpp"

using namespace trace_tests;
using nlohmann::json;

namespace {

std::vector<json> events_with_phase(const json& document, const std::string& phase) {
    std::vector<json> events;
    for (const json& event : document["traceEvents"]) {
        if (event["ph"] == phase)
            events.push_back(event);
    }
    return events;
}

// The text of the <script type="application/json"> element.
std::string embedded_data(const std::string& html) {
    const std::string open = "<script type=\"application/json\" id=\"trace-data\">";
    auto start = html.find(open);
    REQUIRE(start != std::string::npos);
    start += open.size();
    auto end = html.find("</script>", start);
    REQUIRE(end != std::string::npos);
    return html.substr(start, end - start);
}

}  // namespace

TEST_CASE("chrome trace has a track per thread and a slice per step") {
    traces::Trace trace = find_trace("timed_handoff", {}, timed_handoff_options());
    json document = json::parse(traces::chrome_trace_json(trace));
    REQUIRE(document.contains("traceEvents"));

    std::vector<json> metadata = events_with_phase(document, "M");
    std::set<std::string> thread_names;
    for (const json& event : metadata) {
        if (event["name"] == "thread_name")
            thread_names.insert(event["args"]["name"].get<std::string>().substr(0, 6));
    }
    CHECK(thread_names.size() == trace.threads.size());
    CHECK(thread_names.contains("main"));

    std::vector<json> slices = events_with_phase(document, "X");
    REQUIRE(slices.size() == trace.steps.size());
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const json& slice = slices[i];
        CHECK(slice["ts"] == static_cast<long long>(i) * 10);
        CHECK(slice["dur"].get<long long>() > 0);
        CHECK(slice["args"]["step"] == i);
        CHECK(slice["args"]["operation"] == traces::operation_name(trace.steps[i].operation));
        CHECK(slice["tid"].get<int>() >= 0);
        CHECK(slice["tid"].get<int>() < static_cast<int>(trace.threads.size()));
    }

    std::vector<json> instants = events_with_phase(document, "i");
    REQUIRE(instants.size() == 1);
    CHECK(instants[0]["cat"] == "violation");
    CHECK(instants[0]["name"] == "violation: handoff_timeout");
    CHECK(instants[0]["args"]["step"] == trace.violation.step);
    CHECK(instants[0]["s"] == "g");

    // Flow arrows come in start/finish pairs with matching ids.
    std::vector<json> starts = events_with_phase(document, "s");
    std::vector<json> finishes = events_with_phase(document, "f");
    CHECK(starts.size() == finishes.size());
    CHECK(!starts.empty());
    for (std::size_t i = 0; i < starts.size() && i < finishes.size(); ++i)
        CHECK(starts[i]["id"] == finishes[i]["id"]);
    CHECK(document["otherData"]["fingerprint"] == traces::format_fingerprint(trace.fingerprint));
}

TEST_CASE("html timeline is self-contained and embeds the trace") {
    traces::Trace trace = find_trace("lock_inversion", {}, lost_update_options());
    std::string html = traces::html_timeline(trace);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    // No network: no external scripts, styles, images or links.
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("href=") == std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("default-src 'none'") != std::string::npos);

    json data = json::parse(embedded_data(html));
    CHECK(data == json::parse(traces::trace_json(trace).dump()));
}

TEST_CASE("html timeline escapes script endings in the data") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    trace.violation.message = "</script><script>alert(1)</script> <!-- x";
    std::string html = traces::html_timeline(trace);
    // Two script elements, each closed once.
    std::size_t closings = 0;
    for (auto at = html.find("</script>"); at != std::string::npos;
         at = html.find("</script>", at + 1))
        ++closings;
    CHECK(closings == 2);
    CHECK(html.find("<!-- x") == std::string::npos);
    json data = json::parse(embedded_data(html));
    CHECK(data["violation"]["message"] == trace.violation.message);
}

TEST_CASE("exports never overwrite a file") {
    TempDir dir;
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    traces::write_chrome_trace(dir / "trace.perfetto.json", trace);
    traces::write_html_timeline(dir / "trace.html", trace);
    CHECK(json::parse(read_file(dir / "trace.perfetto.json")).contains("traceEvents"));
    CHECK(read_file(dir / "trace.html") == traces::html_timeline(trace));
    CHECK_THROWS_AS(traces::write_chrome_trace(dir / "trace.perfetto.json", trace),
                    traces::TraceError);
    CHECK_THROWS_AS(traces::write_html_timeline(dir / "trace.html", trace), traces::TraceError);
}

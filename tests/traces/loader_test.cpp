// The trace loader on malformed input: each kind of damage gives a
// TraceError that names the file, the field and the problem, and a seeded
// corpus of mutated traces never crashes it.  Nothing here runs an
// execution, so this suite also runs in AddressSanitizer builds.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "tests/traces/schema_validator.hpp"
#include "tests/traces/test_scenarios.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/export.hpp"
#include "traces/replay.hpp"
#include "traces/trace.hpp"

using namespace trace_tests;
using nlohmann::json;

namespace {

std::string golden_text() {
    return read_file(golden_dir() / "timed_handoff.json");
}

json golden_json() {
    return json::parse(golden_text());
}

// Parses text and returns the error; fails the test if it was accepted.
traces::TraceError rejection(const std::string& text, const std::string& source = "bad.json") {
    try {
        traces::parse_trace(text, source);
    } catch (const traces::TraceError& error) {
        CHECK(error.file() == source);
        CHECK(std::string(error.what()).rfind(source, 0) == 0);
        CHECK(!error.problem().empty());
        return error;
    }
    FAIL("the input was accepted: " << text.substr(0, 200));
    return traces::TraceError("", "", "");
}

traces::TraceError rejection(const char* text) {
    return rejection(std::string(text));
}

traces::TraceError rejection(const json& document) {
    return rejection(document.dump(1));
}

}  // namespace

TEST_CASE("golden trace loads") {
    traces::Trace trace = traces::parse_trace(golden_text(), "timed_handoff.json");
    CHECK(trace.scenario == "timed_handoff");
    CHECK(!trace.steps.empty());
}

TEST_CASE("empty and blank input") {
    CHECK(rejection("").problem().find("empty") != std::string::npos);
    CHECK(rejection("  \n\t ").problem().find("white space") != std::string::npos);
}

TEST_CASE("truncated input names line and column") {
    std::string text = golden_text();
    for (std::size_t cut : {text.size() / 3, text.size() / 2, text.size() - 3}) {
        traces::TraceError error = rejection(text.substr(0, cut));
        CHECK(error.problem().find("malformed JSON at line") != std::string::npos);
        CHECK(error.problem().find("column") != std::string::npos);
    }
    traces::TraceError error = rejection("{\n  \"format\": \"vtp-trace\",\n  \"version\": tru\n}");
    CHECK(error.problem().find("line 3, column") != std::string::npos);
}

TEST_CASE("binary garbage") {
    std::mt19937_64 generator(42);
    for (int round = 0; round < 20; ++round) {
        std::string garbage(64 + round * 37, '\0');
        for (char& c : garbage)
            c = static_cast<char>(generator());
        rejection(garbage);
    }
    rejection(std::string("\0\0\0\0", 4));
    rejection("\x89PNG\r\n\x1a\n");
}

TEST_CASE("invalid UTF-8 in a string") {
    std::string text = golden_text();
    auto at = text.find("\"timed_handoff\"");
    REQUIRE(at != std::string::npos);
    text[at + 3] = static_cast<char>(0xff);
    CHECK(rejection(text).problem().find("malformed JSON") != std::string::npos);
}

TEST_CASE("deep nesting is rejected before parsing") {
    std::string deep(200000, '[');
    deep += std::string(200000, ']');
    CHECK(rejection(deep).problem().find("deeper than") != std::string::npos);
}

TEST_CASE("wrong document kinds") {
    CHECK(rejection("[1, 2, 3]").problem().find("expected an object") != std::string::npos);
    CHECK(rejection("42").problem().find("expected an object") != std::string::npos);

    json other = golden_json();
    other["format"] = "chrome-trace";
    traces::TraceError error = rejection(other);
    CHECK(error.field() == "format");
    CHECK(error.problem().find("unknown format 'chrome-trace'") != std::string::npos);

    json no_format = golden_json();
    no_format.erase("format");
    CHECK(rejection(no_format).field() == "format");
}

TEST_CASE("unknown version") {
    json newer = golden_json();
    newer["version"] = 2;
    traces::TraceError error = rejection(newer);
    CHECK(error.field() == "version");
    CHECK(error.problem().find("unsupported version 2:") != std::string::npos);
    CHECK(error.problem().find("version 1 only") != std::string::npos);

    json text_version = golden_json();
    text_version["version"] = "1";
    CHECK(rejection(text_version).field() == "version");

    json missing = golden_json();
    missing.erase("version");
    CHECK(rejection(missing).field() == "version");
}

TEST_CASE("missing and unknown fields") {
    for (const char* field : {"decisions", "steps", "bounds", "violation", "threads", "seed"}) {
        json document = golden_json();
        document.erase(field);
        traces::TraceError error = rejection(document);
        CHECK(error.field() == field);
        CHECK(error.problem() == "missing field");
    }
    json step_field = golden_json();
    step_field["steps"][2].erase("operation");
    CHECK(rejection(step_field).field() == "steps[2].operation");

    json extra = golden_json();
    extra["colour"] = "blue";
    CHECK(rejection(extra).field() == "colour");
    CHECK(rejection(extra).problem().find("unknown field") != std::string::npos);

    json nested = golden_json();
    nested["bounds"]["max_fun"] = 3;
    CHECK(rejection(nested).field() == "bounds.max_fun");
}

TEST_CASE("ill-typed fields") {
    struct Case {
        json::json_pointer pointer;
        json value;
        std::string field;
        std::string expected;
    };
    const Case cases[] = {
        {"/steps/0/index"_json_pointer, "0", "steps[0].index", "expected an integer"},
        {"/steps/1/thread"_json_pointer, 1, "steps[1].thread", "expected a thread name"},
        {"/steps/1/enabled"_json_pointer, "main", "steps[1].enabled", "expected an array"},
        {"/steps/1/preemption"_json_pointer, 0, "steps[1].preemption", "expected true or false"},
        {"/bounds"_json_pointer, json::array(), "bounds", "expected an object"},
        {"/bounds/timeouts"_json_pointer, "yes", "bounds.timeouts", "expected true or false"},
        {"/scenario"_json_pointer, nullptr, "scenario", "expected a string"},
        {"/scenario"_json_pointer, "", "scenario", "non-empty"},
        {"/violation/threads/0"_json_pointer, json::object(), "violation.threads[0]",
         "expected a thread name"},
        {"/decisions/0"_json_pointer, json::array({"thread", 0, 1}), "decisions[0]",
         "expected an object"},
        {"/threads/0/created_at"_json_pointer, "here", "threads[0].created_at",
         "expected a location object or null"},
        {"/steps/0/location/line"_json_pointer, 1.5, "steps[0].location.line",
         "expected an integer"},
        {"/parameters/attempts"_json_pointer, true, "parameters.attempts", "expected an integer"},
        {"/strategy"_json_pointer, "bfs", "strategy", "unknown strategy 'bfs'"},
        {"/steps/0/operation"_json_pointer, "teleport", "steps[0].operation",
         "unknown operation 'teleport'"},
        {"/objects/0/kind"_json_pointer, "semaphore", "objects[0].kind", "unknown object kind"},
        {"/violation/kind"_json_pointer, "unknown", "violation.kind", "unknown violation kind"},
        {"/decisions/0/kind"_json_pointer, "coin", "decisions[0].kind", "unknown decision kind"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.field);
        json document = golden_json();
        document[c.pointer] = c.value;
        traces::TraceError error = rejection(document);
        CHECK(error.field() == c.field);
        CHECK_MESSAGE(error.problem().find(c.expected) != std::string::npos, error.problem());
    }
}

TEST_CASE("huge and negative numbers") {
    struct Case {
        json::json_pointer pointer;
        json value;
        std::string field;
    };
    const Case cases[] = {
        {"/bounds/max_steps"_json_pointer, 1e300, "bounds.max_steps"},
        {"/bounds/max_steps"_json_pointer, 10'000'001, "bounds.max_steps"},
        {"/bounds/max_threads"_json_pointer, -5, "bounds.max_threads"},
        {"/bounds/preemption_bound"_json_pointer, -2, "bounds.preemption_bound"},
        {"/decisions/0/value"_json_pointer, 18446744073709551615ull, "decisions[0].value"},
        {"/decisions/0/value"_json_pointer, -1, "decisions[0].value"},
        {"/decisions/0/alternatives"_json_pointer, 4294967297ll, "decisions[0].alternatives"},
        {"/steps/0/result"_json_pointer, 9223372036854775807ll, "steps[0].result"},
        {"/steps/0/location/line"_json_pointer, -3, "steps[0].location.line"},
        {"/seed"_json_pointer, -1, "seed"},
        {"/pct_depth"_json_pointer, 0, "pct_depth"},
        {"/violation/step"_json_pointer, 100000, "violation.step"},
        {"/parameters/attempts"_json_pointer, 3000000000ll, "parameters.attempts"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.field);
        json document = golden_json();
        document[c.pointer] = c.value;
        traces::TraceError error = rejection(document);
        CHECK(error.field() == c.field);
        CHECK_MESSAGE(error.problem().find("expected") != std::string::npos, error.problem());
    }
    // A number beyond 64 bits in the text itself.
    std::string text = golden_text();
    auto at = text.find("\"seed\": ");
    REQUIRE(at != std::string::npos);
    auto end = text.find(',', at);
    text.replace(at, end - at, "\"seed\": 123456789012345678901234567890");
    CHECK(rejection(text).field() == "seed");
}

TEST_CASE("decision out of range") {
    json document = golden_json();
    document["decisions"][0]["value"] = 7;
    document["decisions"][0]["alternatives"] = 2;
    traces::TraceError error = rejection(document);
    CHECK(error.field() == "decisions[0].value");
    CHECK(error.problem().find("7 is out of range for a thread decision with 2 alternatives") !=
          std::string::npos);

    json wakeup = golden_json();
    wakeup["decisions"][0] = json{{"kind", "wakeup"}, {"value", 0}, {"alternatives", 3}};
    CHECK(rejection(wakeup).field() == "decisions[0].alternatives");

    json many = golden_json();
    many["decisions"][0]["alternatives"] = 65;
    CHECK(rejection(many).field() == "decisions[0].alternatives");
}

TEST_CASE("cross references are checked") {
    json thread = golden_json();
    thread["steps"][0]["thread"] = "main/42";
    traces::TraceError error = rejection(thread);
    CHECK(error.field() == "steps[0].thread");
    CHECK(error.problem().find("unknown thread 'main/42'") != std::string::npos);

    json object = golden_json();
    object["violation"]["objects"] = json::array({"nothing#99"});
    CHECK(rejection(object).field() == "violation.objects[0]");

    json duplicate = golden_json();
    duplicate["threads"].push_back(duplicate["threads"][0]);
    CHECK(rejection(duplicate).problem().find("duplicate thread name") != std::string::npos);

    json index = golden_json();
    index["steps"][1]["index"] = 5;
    CHECK(rejection(index).field() == "steps[1].index");

    json not_enabled = golden_json();
    not_enabled["steps"][0]["enabled"] = json::array({"main/1"});
    CHECK(rejection(not_enabled).field() == "steps[0].enabled");

    json thread_choice = golden_json();
    thread_choice["steps"][0]["choices"] =
        json::array({json{{"kind", "thread"}, {"value", 0}, {"alternatives", 1}}});
    CHECK(rejection(thread_choice).field() == "steps[0].choices[0]");

    json too_many = golden_json();
    too_many["bounds"]["max_steps"] = 2;
    CHECK(rejection(too_many).field() == "steps");
}

TEST_CASE("fingerprint must match the steps") {
    json edited = golden_json();
    edited["steps"][1]["operation"] = "yield";
    traces::TraceError error = rejection(edited);
    CHECK(error.field() == "fingerprint");
    CHECK(error.problem().find("does not match the steps") != std::string::npos);

    json bad = golden_json();
    bad["fingerprint"] = "fnv1a64:0000000000000000";
    CHECK(rejection(bad).field() == "fingerprint");
}

TEST_CASE("files that are not traces") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(traces::read_trace(dir / "missing.json"), doctest::Contains("does not exist"),
                         traces::TraceError);
    CHECK_THROWS_WITH_AS(traces::read_trace(dir.path()), doctest::Contains("not a regular file"),
                         traces::TraceError);
    CHECK_THROWS_WITH_AS(traces::read_trace("/dev/null"), doctest::Contains("not a regular file"),
                         traces::TraceError);
    write_file(dir / "empty.json", "");
    try {
        traces::read_trace(dir / "empty.json");
        FAIL("an empty file was accepted");
    } catch (const traces::TraceError& error) {
        CHECK(error.file() == (dir / "empty.json").string());
        CHECK(error.problem().find("empty") != std::string::npos);
    }
}

TEST_CASE("unknown scenario and parameters out of range") {
    traces::Trace trace = traces::parse_trace(golden_text(), "timed_handoff.json");
    traces::Trace unknown = trace;
    unknown.scenario = "threadpool_nonsense";
    CHECK_THROWS_WITH_AS(traces::make_program(unknown, lookup(), "bug.json"),
                         doctest::Contains("bug.json: scenario: unknown scenario "
                                           "'threadpool_nonsense'"),
                         traces::TraceError);
    traces::Trace out_of_range = trace;
    out_of_range.parameters["attempts"] = 0;
    CHECK_THROWS_WITH_AS(traces::make_program(out_of_range, lookup(), "bug.json"),
                         doctest::Contains("parameters.attempts: 0 is out of range"),
                         traces::TraceError);
}

// --- the mutation fuzzer ----------------------------------------------------------

namespace {

enum class Mutation { byte_flip, truncation, field_deletion, type_swap, large_number, reorder };
constexpr Mutation all_mutations[] = {Mutation::byte_flip,   Mutation::truncation,
                                      Mutation::field_deletion, Mutation::type_swap,
                                      Mutation::large_number, Mutation::reorder};

// Picks a random node of the document, walking down from the root.
json* random_node(json& root, std::mt19937_64& generator) {
    json* node = &root;
    while (true) {
        bool container = (node->is_object() || node->is_array()) && !node->empty();
        if (!container || generator() % 4 == 0)
            return node;
        std::size_t pick = generator() % node->size();
        if (node->is_array()) {
            node = &(*node)[pick];
        } else {
            auto it = node->begin();
            std::advance(it, static_cast<long>(pick));
            node = &it.value();
        }
    }
}

// Picks a random object or array with at least one element, or null.
json* random_container(json& root, std::mt19937_64& generator) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        json* node = random_node(root, generator);
        if ((node->is_object() || node->is_array()) && !node->empty())
            return node;
    }
    return nullptr;
}

std::string mutate(const std::string& text, Mutation mutation, std::mt19937_64& generator) {
    switch (mutation) {
    case Mutation::byte_flip: {
        std::string out = text;
        int flips = 1 + static_cast<int>(generator() % 8);
        for (int i = 0; i < flips; ++i)
            out[generator() % out.size()] ^= static_cast<char>(1u << (generator() % 8));
        return out;
    }
    case Mutation::truncation:
        return text.substr(0, generator() % text.size());
    default:
        break;
    }
    json document = json::parse(text);
    switch (mutation) {
    case Mutation::field_deletion: {
        if (json* node = random_container(document, generator)) {
            std::size_t pick = generator() % node->size();
            if (node->is_array()) {
                node->erase(pick);
            } else {
                auto it = node->begin();
                std::advance(it, static_cast<long>(pick));
                node->erase(it);
            }
        }
        break;
    }
    case Mutation::type_swap: {
        static const json replacements[] = {"x", "", 0, 1, -1, true, false, nullptr,
                                            json::array(), json::object(), 2.5};
        *random_node(document, generator) =
            replacements[generator() % (sizeof replacements / sizeof replacements[0])];
        break;
    }
    case Mutation::large_number: {
        static const json numbers[] = {2147483648ll, -2147483649ll, 9223372036854775807ll,
                                       -9223372036854775807ll - 1, 18446744073709551615ull,
                                       1e300, -1e300, 64, 65, 10000001};
        json* node = random_node(document, generator);
        for (int attempt = 0; attempt < 20 && !node->is_number(); ++attempt)
            node = random_node(document, generator);
        *node = numbers[generator() % (sizeof numbers / sizeof numbers[0])];
        break;
    }
    case Mutation::reorder: {
        json* node = random_container(document, generator);
        if (node != nullptr && node->is_array() && node->size() >= 2) {
            std::size_t a = generator() % node->size();
            std::size_t b = generator() % node->size();
            std::swap((*node)[a], (*node)[b]);
        } else if (node != nullptr && node->is_object()) {
            // Duplicate a member under a new name instead.
            (*node)["mutant"] = node->begin().value();
        }
        break;
    }
    default:
        break;
    }
    return generator() % 2 == 0 ? document.dump() : document.dump(2);
}

}  // namespace

TEST_CASE("mutated traces never crash the loader") {
    std::vector<std::string> seeds;
    for (const auto& file : json_files(golden_dir()))
        seeds.push_back(read_file(file));
    REQUIRE(!seeds.empty());

    constexpr int mutants_per_kind = 600;
    std::mt19937_64 generator(20240601);
    int accepted = 0;
    int rejected = 0;
    int total = 0;
    for (Mutation mutation : all_mutations) {
        for (int i = 0; i < mutants_per_kind; ++i) {
            const std::string& seed = seeds[generator() % seeds.size()];
            std::string text = mutate(seed, mutation, generator);
            std::string source = "mutant-" + std::to_string(total++);
            try {
                traces::Trace trace = traces::parse_trace(text, source);
                ++accepted;
                // What the loader accepts, the schema accepts, writes back
                // to an equal trace, and exports without failing.
                std::string written = traces::format_trace(trace);
                CHECK(validate_against_schema(trace_schema(), json::parse(written)).empty());
                CHECK(traces::parse_trace(written, source) == trace);
                CHECK(!traces::chrome_trace_json(trace).empty());
                CHECK(!traces::html_timeline(trace).empty());
                traces::format_steps(trace);
            } catch (const traces::TraceError& error) {
                ++rejected;
                CHECK(error.file() == source);
                CHECK(!error.problem().empty());
            }
        }
    }
    CHECK(total == mutants_per_kind * 6);
    CHECK(rejected > total / 2);
    MESSAGE("mutants: " << total << ", rejected with an error: " << rejected
                        << ", accepted: " << accepted);
}

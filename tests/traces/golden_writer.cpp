// Writes the golden traces of the test scenarios into a folder.  The
// trace tests replay them and use them as seeds of the loader fuzzer.
//
// To renew them after a deliberate change of the engine or the format:
//   rm tests/traces/golden/*.json
//   build/tests/traces/vtp_trace_golden_writer tests/traces/golden
// Existing files are never overwritten.
#include <cstdio>
#include <exception>
#include <string>

#include "tests/traces/test_scenarios.hpp"

int main(int argc, char** argv) {
    if (argc != 2 || std::string(argv[1]) == "--help") {
        std::fprintf(stderr,
                     "usage: vtp_trace_golden_writer FOLDER\n"
                     "Writes the golden traces of the trace tests into FOLDER; existing files "
                     "are kept, and writing them again is an error.\n");
        return 2;
    }
    std::filesystem::path folder = argv[1];
    checker::Options dpor = trace_tests::lost_update_options();
    struct Golden {
        const char* file;
        const char* scenario;
        traces::Parameters parameters;
        checker::Options options;
    };
    const Golden goldens[] = {
        {"lost_update.json", "lost_update", {}, dpor},
        {"lost_update-3-workers.json", "lost_update", {{"workers", 3}, {"padding", 1}}, dpor},
        {"timed_handoff.json", "timed_handoff", {}, trace_tests::timed_handoff_options()},
        {"lock_inversion.json", "lock_inversion", {}, dpor},
        {"immediate.json", "immediate", {}, dpor},
    };
    try {
        for (const Golden& golden : goldens) {
            traces::Trace trace =
                trace_tests::find_trace(golden.scenario, golden.parameters, golden.options);
            auto path = traces::write_trace(folder / golden.file, trace);
            std::printf("wrote %s (%zu steps)\n", path.c_str(), trace.steps.size());
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "vtp_trace_golden_writer: %s\n", error.what());
        return 1;
    }
    return 0;
}

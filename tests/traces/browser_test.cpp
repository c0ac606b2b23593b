// Renders the HTML timeline in headless Chromium and checks, in the DOM
// after the page's script ran, that there is a lane per thread, a box per
// step and the violation marker.  Exits with 77 (a CTest skip) when
// Chromium is not installed, and with 1 on any failure.
//
//   vtp_trace_browser_test                   run the check
//   vtp_trace_browser_test --screenshot PNG  also save a screenshot to PNG
//                                            (docs/trace-timeline.png is made so)
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/traces/test_scenarios.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/export.hpp"

extern char** environ;

namespace {

constexpr int skip_status = 77;

std::string find_chromium() {
    const char* path = std::getenv("PATH");
    std::string directories = path != nullptr ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser"}) {
        std::size_t start = 0;
        while (start <= directories.size()) {
            std::size_t end = directories.find(':', start);
            if (end == std::string::npos)
                end = directories.size();
            std::filesystem::path candidate =
                std::filesystem::path(directories.substr(start, end - start)) / name;
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate.string();
            start = end + 1;
        }
    }
    return "";
}

// Runs Chromium headless on url with extra arguments, under a 120 s limit,
// with its standard output in output_file.  Returns the exit status.
int run_chromium(const std::string& chromium, const std::filesystem::path& profile,
                 const std::vector<std::string>& extra, const std::string& url,
                 const std::filesystem::path& output_file) {
    std::vector<std::string> args = {"timeout",
                                     "--kill-after=10",
                                     "120",
                                     chromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-extensions",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--user-data-dir=" + profile.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    std::vector<char*> argv;
    for (std::string& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string log = output_file.string() + ".stderr";
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    int error = posix_spawnp(&pid, "timeout", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        std::fprintf(stderr, "cannot start chromium: error %d\n", error);
        return -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t found = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++found;
    return found;
}

// Counts the <button> elements whose class list contains name.
std::size_t buttons_with_class(const std::string& dom, const std::string& name) {
    const std::string open = "<button class=\"";
    std::size_t found = 0;
    for (auto at = dom.find(open); at != std::string::npos; at = dom.find(open, at + 1)) {
        auto start = at + open.size();
        std::string classes = " " + dom.substr(start, dom.find('"', start) - start) + " ";
        if (classes.find(" " + name + " ") != std::string::npos)
            ++found;
    }
    return found;
}

int failures = 0;

void expect(bool condition, const std::string& description) {
    std::printf("%s: %s\n", condition ? "ok" : "FAILED", description.c_str());
    if (!condition)
        ++failures;
}

}  // namespace

int main(int argc, char** argv) {
    std::string screenshot;
    if (argc == 3 && std::string(argv[1]) == "--screenshot") {
        screenshot = std::filesystem::absolute(argv[2]).string();
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: vtp_trace_browser_test [--screenshot PNG]\n");
        return 2;
    }
    std::string chromium = find_chromium();
    if (chromium.empty()) {
        std::printf("SKIPPED: Chromium is not installed, so the HTML timeline cannot be rendered; "
                    "install the Debian package 'chromium' to run this test\n");
        return skip_status;
    }

    try {
        traces::Trace trace = trace_tests::find_trace("timed_handoff", {},
                                                      trace_tests::timed_handoff_options());
        trace_tests::TempDir dir;
        auto page = dir / "timeline.html";
        traces::write_html_timeline(page, trace);
        std::string url = "file://" + page.string();

        auto dom_file = dir / "dom.html";
        int status = run_chromium(chromium, dir / "profile", {"--dump-dom"}, url, dom_file);
        expect(status == 0, "chromium --dump-dom exits with 0 (got " + std::to_string(status) +
                                ")");
        std::string dom = trace_tests::read_file(dom_file);

        expect(count(dom, "<div class=\"lane\"") == trace.threads.size(),
               "one lane per thread (" + std::to_string(trace.threads.size()) + ")");
        for (const traces::TraceThread& thread : trace.threads)
            expect(dom.find("data-thread=\"" + thread.name + "\"") != std::string::npos,
                   "a lane for thread " + thread.name);
        expect(count(dom, "<button class=\"step") == trace.steps.size(),
               "one box per step (" + std::to_string(trace.steps.size()) + ")");
        expect(count(dom, "id=\"violation-marker\"") == 1, "the violation marker");
        expect(dom.find("violation: handoff_timeout") != std::string::npos,
               "the marker names the property");
        expect(buttons_with_class(dom, "violating") == 1, "the violating step is marked");
        std::size_t injected = 0;
        for (const traces::TraceStep& step : trace.steps) {
            bool failed_creation = step.operation == checker::OpKind::spawn && step.result != 0;
            if (failed_creation || step.operation == checker::OpKind::wakeup_timeout ||
                step.operation == checker::OpKind::wakeup_spurious)
                ++injected;
        }
        expect(buttons_with_class(dom, "injected") == injected,
               "injected events are marked (" + std::to_string(injected) + ")");
        expect(dom.find("<h2>Step " + std::to_string(trace.violation.step) + "</h2>") !=
                   std::string::npos,
               "the details of the violating step are shown");

        std::string png = screenshot.empty() ? (dir / "timeline.png").string() : screenshot;
        status = run_chromium(chromium, dir / "profile-2",
                              {"--hide-scrollbars", "--window-size=1280,720",
                               "--screenshot=" + png},
                              url, dir / "screenshot.log");
        std::string image = std::filesystem::exists(png) ? trace_tests::read_file(png) : "";
        expect(status == 0, "chromium --screenshot exits with 0 (got " +
                                std::to_string(status) + ")");
        expect(image.rfind("\x89PNG", 0) == 0,
               "a PNG screenshot is written (" + std::to_string(image.size()) + " bytes)");
    } catch (const std::exception& error) {
        std::printf("FAILED: %s\n", error.what());
        return 1;
    }
    std::printf("%d checks failed\n", failures);
    return failures == 0 ? 0 : 1;
}

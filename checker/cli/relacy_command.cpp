#include "checker/cli/relacy_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <sstream>

#if VTP_WITH_RELACY
#include "checker/relacy/check.hpp"
#endif

namespace tpcheck {

#if VTP_WITH_RELACY

namespace {

// Breaks text into lines of at most width characters at spaces, because
// CLI11 prints a footer as it is.
std::string wrap(const std::string& text, std::size_t width) {
    std::istringstream words(text);
    std::string word;
    std::string wrapped;
    std::size_t column = 0;
    while (words >> word) {
        if (column > 0 && column + 1 + word.size() > width) {
            wrapped += '\n';
            column = 0;
        } else if (column > 0) {
            wrapped += ' ';
            ++column;
        }
        wrapped += word;
        column += word.size();
    }
    return wrapped;
}

}  // namespace

std::string relacy_engine_help() {
    return wrap(checker::relacy::relacy_engine_help, 88);
}

int run_relacy_engine(const CheckRequest& request, const RelacyCommandLine& command_line) {
    namespace relacy = checker::relacy;
    if (!command_line.engine_only.empty()) {
        std::cerr << fmt::format("tpcheck check: {} not accepted with --engine relacy (see "
                                 "`tpcheck check --help`)\n",
                                 fmt::join(command_line.engine_only, ", "));
        return exit_usage;
    }

    relacy::CheckRequest relacy_request;
    relacy_request.scenarios = request.scenarios;
    relacy_request.all = request.all;
    relacy_request.parameters = request.parameters;
    if (command_line.strategy) {
        auto schedulers = relacy::parse_schedulers(*command_line.strategy);
        if (!schedulers) {
            std::cerr << "tpcheck check: invalid strategy '" << *command_line.strategy
                      << "' for --engine relacy: use random, full, context-bound, a "
                         "comma-separated list of them, or all\n";
            return exit_usage;
        }
        relacy_request.schedulers = *schedulers;
    }

    const OptionOverrides& overrides = request.overrides;
    if (auto error = check_ranges(overrides)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }
    // check_ranges() rejected a negative count, and the Relacy engine
    // rejects 0 if its random scheduler runs.
    if (overrides.max_executions)
        relacy_request.iterations = static_cast<std::uint64_t>(*overrides.max_executions);
    if (overrides.preemption_bound) {
        if (*overrides.preemption_bound < 0 && relacy::runs_scheduler(relacy_request, relacy::Scheduler::context_bound)) {
            std::cerr << "tpcheck check: invalid --preemption-bound "
                      << *overrides.preemption_bound
                      << " for --engine relacy: its context-bound scheduler needs 0 or more\n";
            return exit_usage;
        }
        if (*overrides.preemption_bound >= 0)
            relacy_request.context_bound = static_cast<unsigned>(*overrides.preemption_bound);
    }
    if (overrides.max_steps)
        relacy_request.max_steps = static_cast<unsigned>(*overrides.max_steps);
    relacy_request.time_limit = overrides.time_limit;
    relacy_request.max_timeouts = overrides.max_timeouts;
    relacy_request.creation_failures = overrides.creation_failures;
    if (overrides.spurious)
        relacy_request.spurious_wakeups = *overrides.spurious > 0;
    relacy_request.json_path = request.json_path;
    relacy_request.junit_path = request.junit_path;
    relacy_request.quiet = request.quiet;

    std::vector<relacy::ScenarioReport> reports;
    return relacy::run_relacy_check(relacy_request, reports);
}

#else

std::string relacy_engine_help() {
    return "--engine relacy is not available: this tpcheck was built without the Relacy engine "
           "(install relacy-dev and configure with -DVTP_BUILD_RELACY=ON).";
}

int run_relacy_engine(const CheckRequest&, const RelacyCommandLine&) {
    std::cerr << "tpcheck check: --engine relacy is not available: this tpcheck was built "
                 "without the Relacy engine (install relacy-dev and configure with "
                 "-DVTP_BUILD_RELACY=ON)\n";
    return exit_usage;
}

#endif

}  // namespace tpcheck

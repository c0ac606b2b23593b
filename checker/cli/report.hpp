// Reports of `tpcheck check`: the console lines and summary table, the
// JSON and JUnit files, and the counterexample trace of a violation.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "checker/cli/check_command.hpp"

namespace tpcheck {

void print_scenario_line(const ScenarioReport& report, std::ostream& out);
void print_summary(const std::vector<ScenarioReport>& reports, std::ostream& out);
// Each returns false (after printing why) if the file cannot be written.
bool write_json_report(const std::string& path, const std::vector<ScenarioReport>& reports);
bool write_junit_report(const std::string& path, const std::vector<ScenarioReport>& reports);
// Writes the violation's trace into the request's trace folder and fills
// the report's trace path and replay command.
void write_counterexample(const CheckRequest& request, ScenarioReport& report);

}  // namespace tpcheck

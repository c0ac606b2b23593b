// The report files of `tpcheck check` that the vtp engine and the Relacy engine
// write alike: the JSON file, the JUnit skeleton and their error messages.
//
// Types defined here:
//   JunitCase  one test case of a JUnit report, with its failure if any
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tpcheck {

struct JunitCase {
    std::string name;  // as it is, not escaped
    double seconds = 0;
    bool failed = false;
    std::string message;  // the failure's message attribute
    std::string detail;   // the failure's text
};

// Returns text with the characters that XML reserves in attributes and text
// escaped, and with invalid UTF-8 and disallowed control characters replaced
// by U+FFFD.
std::string xml_escape(const std::string& text);

// Returns text as one word for a POSIX shell: as it is if it contains only
// characters that need no quoting, otherwise in single quotes.
std::string shell_quote(const std::string& text);

// Returns the shell command that replays the trace at path.  A path that
// starts with '-' gets "./" in front, so that it is not read as an option.
std::string replay_command(const std::string& path);

// Writes document to path, indented by two spaces and ended by a newline,
// through a temporary file so that a failed write leaves no cut-off report.
// Returns false, after printing why, if the file cannot be written.
bool write_json_file(const std::string& path, const nlohmann::json& document);
// Writes cases to path as a JUnit test suite named suite, with classname on every case.
// Returns false, after printing why, if the file cannot be written.
bool write_junit_file(const std::string& path, std::string_view suite, std::string_view classname,
                      const std::vector<JunitCase>& cases);

// Writes the JSON and the JUnit report whose paths are not empty, the
// second even if the first fails.  Returns false if either write failed.
bool write_reports(const std::string& json_path, const std::string& junit_path,
                   const std::function<bool(const std::string&)>& write_json,
                   const std::function<bool(const std::string&)>& write_junit);

}  // namespace tpcheck

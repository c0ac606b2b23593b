#include "checker/cli/report_files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

namespace tpcheck {

std::string xml_escape(const std::string& text) {
    std::string escaped;
    for (char c : text) {
        switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        default: escaped += c;
        }
    }
    return escaped;
}

bool write_json_file(const std::string& path, const nlohmann::json& document) {
    std::ofstream file(path);
    file << document.dump(2) << "\n";
    if (!file) {
        std::cerr << "tpcheck: cannot write the JSON report to " << path << "\n";
        return false;
    }
    return true;
}

bool write_junit_file(const std::string& path, std::string_view suite, std::string_view classname,
                      const std::vector<JunitCase>& cases) {
    int failures = 0;
    double seconds = 0;
    for (const JunitCase& test : cases) {
        failures += test.failed;
        seconds += test.seconds;
    }
    std::ofstream file(path);
    file << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    file << fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                        suite, cases.size(), failures, seconds);
    for (const JunitCase& test : cases) {
        file << fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">", classname,
                            xml_escape(test.name), test.seconds);
        if (test.failed)
            file << fmt::format("\n    <failure message=\"{}\">{}</failure>\n  ",
                                xml_escape(test.message), xml_escape(test.detail));
        file << "</testcase>\n";
    }
    file << "</testsuite>\n";
    if (!file) {
        std::cerr << "tpcheck: cannot write the JUnit report to " << path << "\n";
        return false;
    }
    return true;
}

}  // namespace tpcheck

#include "checker/cli/report_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string_view>

namespace tpcheck {

namespace {

// Returns the length of the well-formed UTF-8 sequence at text[at], or 0
// if the bytes there are not one.
std::size_t utf8_length(const std::string& text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                       : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) >> 6) != 0x2)
            return 0;
    }
    return length;
}

// The replacement character U+FFFD, in UTF-8.
constexpr const char* replacement = "\xEF\xBF\xBD";

// Writes content to path.  A regular file is written under a temporary
// name and renamed, so that a failed write leaves no cut-off report.
bool write_report(const std::string& path, const std::string& content, const char* kind) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    bool regular = !fs::exists(status) || fs::is_regular_file(status);
    std::string target = regular ? path + ".partial" : path;
    errno = 0;
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    file << content;
    file.close();
    if (!file) {
        int reason = errno;
        if (regular)
            fs::remove(target, error);
        std::cerr << fmt::format("tpcheck check: cannot write the {} report to {}{}{}\n", kind, path,
                                 reason != 0 ? ": " : "",
                                 reason != 0 ? std::strerror(reason) : "");
        return false;
    }
    if (regular) {
        fs::rename(target, path, error);
        if (error) {
            std::error_code ignored;
            fs::remove(target, ignored);
            std::cerr << fmt::format("tpcheck check: cannot write the {} report to {}: {}\n", kind,
                                     path, error.message());
            return false;
        }
    }
    return true;
}

}  // namespace

std::string xml_escape(const std::string& text) {
    std::string escaped;
    for (std::size_t at = 0; at < text.size();) {
        char c = text[at];
        std::size_t length = utf8_length(text, at);
        if (length == 0) {
            // XML must be UTF-8 here: a stray byte becomes U+FFFD.
            escaped += replacement;
            ++at;
            continue;
        }
        if (length > 1) {
            escaped.append(text, at, length);
            at += length;
            continue;
        }
        switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        case '\t':
        case '\n':
        case '\r': escaped += c; break;
        default:
            // XML 1.0 allows no other control character, not even as a
            // character reference.
            if (static_cast<unsigned char>(c) < 0x20)
                escaped += replacement;
            else
                escaped += c;
        }
        ++at;
    }
    return escaped;
}

bool write_json_file(const std::string& path, const nlohmann::json& document) {
    // Paths and messages can contain bytes that are not UTF-8 (a file
    // name, for one).  They become U+FFFD instead of stopping the report.
    return write_report(path,
                        document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                        "JSON");
}

bool write_junit_file(const std::string& path, std::string_view suite, std::string_view classname,
                      const std::vector<JunitCase>& cases) {
    int failures = 0;
    double seconds = 0;
    for (const JunitCase& test : cases) {
        failures += test.failed;
        seconds += test.seconds;
    }
    std::string file = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    file += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                        suite, cases.size(), failures, seconds);
    for (const JunitCase& test : cases) {
        file += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">", classname,
                            xml_escape(test.name), test.seconds);
        if (test.failed)
            file += fmt::format("\n    <failure message=\"{}\">{}</failure>\n  ",
                                xml_escape(test.message), xml_escape(test.detail));
        file += "</testcase>\n";
    }
    file += "</testsuite>\n";
    return write_report(path, file, "JUnit");
}

std::string replay_command(const std::string& path) {
    return "tpcheck replay " + shell_quote(path.rfind('-', 0) == 0 ? "./" + path : path);
}

std::string shell_quote(const std::string& text) {
    auto plain = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
    };
    if (!text.empty() && std::all_of(text.begin(), text.end(), plain))
        return text;
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

bool write_reports(const std::string& json_path, const std::string& junit_path,
                   const std::function<bool(const std::string&)>& write_json,
                   const std::function<bool(const std::string&)>& write_junit) {
    bool written = true;
    if (!json_path.empty())
        written = write_json(json_path) && written;
    if (!junit_path.empty())
        written = write_junit(junit_path) && written;
    return written;
}

}  // namespace tpcheck

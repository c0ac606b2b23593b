// Files and folders for the trace tests: fresh temporary folders, whole
// file reads, and the folders of stored traces in the source tree.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace trace_tests {

// A fresh folder under the system's temporary folder, removed with its
// contents when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// tests/traces/golden: traces of the test scenarios, replayed by the tests.
std::filesystem::path golden_dir();
// traces/corpus: stored counterexamples of the pool's scenarios.
std::filesystem::path corpus_dir();
// The *.json files of a folder, sorted by name.
std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir);

}  // namespace trace_tests

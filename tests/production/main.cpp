// Test runner of the production pool's tests.  A copy of this program
// started by run_child() runs one child scenario instead of the tests.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tests/production/support.hpp"

int main(int argc, char** argv) {
    vtp::test::run_child_scenario_if_requested();

    doctest::Context context(argc, argv);
    return context.run();
}

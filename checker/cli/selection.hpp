// The choice of scenarios and parameters that `tpcheck check` makes alike for
// the vtp engine (check_command.cpp) and the Relacy engine (relacy/check.cpp).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "properties/scenario.hpp"

namespace tpcheck {

// Fills selected with the whole catalogue (all) or the named scenarios.
// Returns an error for a name that is not in the catalogue or that reject rejects.
std::optional<std::string> select_scenarios(
    bool all, const std::vector<std::string>& names,
    std::vector<const properties::Scenario*>& selected,
    const std::function<std::optional<std::string>(const std::string&)>& reject = {});

// Returns the error for a given parameter that no selected scenario has.
std::optional<std::string> unknown_parameter(const std::map<std::string, int>& given,
                                             const std::vector<const properties::Scenario*>& selected);

// Returns the given parameters that scenario has.
properties::Parameters parameters_of(const properties::Scenario& scenario,
                                     const std::map<std::string, int>& given);

}  // namespace tpcheck

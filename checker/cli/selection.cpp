#include "checker/cli/selection.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tpcheck {

std::optional<std::string> select_scenarios(
    bool all, const std::vector<std::string>& names,
    std::vector<const properties::Scenario*>& selected,
    const std::function<std::optional<std::string>(const std::string&)>& reject) {
    if (all && !names.empty())
        return std::string("give scenario names or --all, not both");
    if (!all && names.empty())
        return std::string("no scenario given: name one or more (see `tpcheck list`) or use --all");
    if (all) {
        for (const auto& scenario : properties::catalogue())
            selected.push_back(&scenario);
        return std::nullopt;
    }
    for (const std::string& name : names) {
        const properties::Scenario* scenario = properties::find_scenario(name);
        if (scenario == nullptr)
            return fmt::format("unknown scenario '{}': run `tpcheck list` for the names", name);
        // A second run would add nothing, and its report entries would carry
        // the same name as the first's.
        if (std::find(selected.begin(), selected.end(), scenario) != selected.end())
            return fmt::format("scenario '{}' is named twice: name each scenario once", name);
        if (reject) {
            if (auto error = reject(name))
                return error;
        }
        selected.push_back(scenario);
    }
    return std::nullopt;
}

std::optional<std::string> unknown_parameter(const std::map<std::string, int>& given,
                                             const std::vector<const properties::Scenario*>& selected) {
    for (const auto& [name, value] : given) {
        bool known = false;
        for (const auto* scenario : selected) {
            for (const auto& parameter : scenario->parameters)
                known = known || parameter.name == name;
        }
        if (!known)
            return fmt::format("no selected scenario has a parameter '{}' (see `tpcheck list`)", name);
    }
    return std::nullopt;
}

properties::Parameters parameters_of(const properties::Scenario& scenario,
                                     const std::map<std::string, int>& given) {
    properties::Parameters parameters;
    for (const auto& [name, value] : given) {
        for (const auto& parameter : scenario.parameters) {
            if (parameter.name == name)
                parameters[name] = value;
        }
    }
    return parameters;
}

}  // namespace tpcheck

// A validator for the subset of JSON Schema (draft 2020-12) that
// traces/trace.schema.json uses: type, const, enum, properties, required,
// additionalProperties, items, minItems, maxItems, minimum, maximum,
// minLength, pattern, and $ref to "#/$defs/<name>".  Annotations ($schema,
// title, description) are ignored.  Any other keyword is reported as an
// error, so the schema cannot use a keyword that this validator would
// silently skip.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace trace_tests {

// Returns one message per violation ("<instance path>: <problem>"); empty
// means instance is valid.
std::vector<std::string> validate_against_schema(const nlohmann::json& schema,
                                                 const nlohmann::json& instance);

// The schema of the trace format, read from the source tree.
const nlohmann::json& trace_schema();

}  // namespace trace_tests

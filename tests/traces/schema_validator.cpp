#include "tests/traces/schema_validator.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>

namespace trace_tests {

namespace {

using json = nlohmann::json;

const std::set<std::string, std::less<>> annotation_keywords = {"$schema", "title",
                                                                "description", "$defs"};
const std::set<std::string, std::less<>> checked_keywords = {
    "type",    "const",    "enum",    "properties", "required",  "additionalProperties",
    "items",   "minItems", "maxItems", "minimum",   "maximum",   "minLength",
    "pattern", "$ref"};

bool has_type(const json& instance, const std::string& type) {
    if (type == "object")
        return instance.is_object();
    if (type == "array")
        return instance.is_array();
    if (type == "string")
        return instance.is_string();
    if (type == "boolean")
        return instance.is_boolean();
    if (type == "null")
        return instance.is_null();
    if (type == "integer")
        return instance.is_number_integer() ||
               (instance.is_number_float() && std::isfinite(instance.get<double>()) &&
                std::trunc(instance.get<double>()) == instance.get<double>());
    if (type == "number")
        return instance.is_number();
    throw std::invalid_argument("unknown type name in schema: " + type);
}

template <class T>
int three_way(T x, T y) {
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    return 0;
}

// Numbers compared exactly where both are integers (the schema's bounds
// include 2^64 - 1, which a double cannot tell from 2^64).
int compare_numbers(const json& a, const json& b) {
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
        return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
    }
    if (a.is_number_integer() && b.is_number_integer() && !a.is_number_unsigned() &&
        !b.is_number_unsigned()) {
        return three_way(a.get<std::int64_t>(), b.get<std::int64_t>());
    }
    if (a.is_number_integer() && b.is_number_integer()) {
        // One signed, one unsigned: a negative signed value is the smaller.
        bool a_negative = !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
        bool b_negative = !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
        if (a_negative != b_negative)
            return a_negative ? -1 : 1;
        return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
    }
    return three_way(a.get<double>(), b.get<double>());
}

class Validator {
public:
    explicit Validator(const json& root) : root_(root) {}

    void check(const json& schema, const json& instance, const std::string& path) {
        if (schema.is_boolean()) {
            if (!schema.get<bool>())
                error(path, "no value is allowed here");
            return;
        }
        if (!schema.is_object())
            throw std::invalid_argument("a schema must be an object or a boolean");
        for (const auto& item : schema.items()) {
            if (!annotation_keywords.contains(item.key()) && !checked_keywords.contains(item.key()))
                error(path, "the schema uses the unsupported keyword " + item.key());
        }
        if (schema.contains("$ref"))
            check(resolve(schema["$ref"].get<std::string>()), instance, path);
        if (schema.contains("type") && !check_type(schema["type"], instance, path))
            return;
        if (schema.contains("const") && instance != schema["const"])
            error(path, "expected " + schema["const"].dump() + ", got " + instance.dump());
        if (schema.contains("enum")) {
            const json& options = schema["enum"];
            if (std::find(options.begin(), options.end(), instance) == options.end())
                error(path, instance.dump() + " is not one of " + options.dump());
        }
        if (instance.is_number()) {
            if (schema.contains("minimum") && compare_numbers(instance, schema["minimum"]) < 0)
                error(path, instance.dump() + " is below the minimum " + schema["minimum"].dump());
            if (schema.contains("maximum") && compare_numbers(instance, schema["maximum"]) > 0)
                error(path, instance.dump() + " is above the maximum " + schema["maximum"].dump());
        }
        if (instance.is_string()) {
            const auto& text = instance.get_ref<const std::string&>();
            if (schema.contains("minLength") &&
                text.size() < schema["minLength"].get<std::size_t>())
                error(path, "the string is shorter than " + schema["minLength"].dump());
            if (schema.contains("pattern") &&
                !std::regex_search(text, std::regex(schema["pattern"].get<std::string>())))
                error(path, "the string does not match " + schema["pattern"].dump());
        }
        if (instance.is_array())
            check_array(schema, instance, path);
        if (instance.is_object())
            check_object(schema, instance, path);
    }

    std::vector<std::string> errors;

private:
    void error(const std::string& path, const std::string& problem) {
        errors.push_back((path.empty() ? "(root)" : path) + ": " + problem);
    }

    const json& resolve(const std::string& reference) {
        const std::string prefix = "#/$defs/";
        if (reference.rfind(prefix, 0) != 0)
            throw std::invalid_argument("unsupported $ref " + reference);
        return root_.at("$defs").at(reference.substr(prefix.size()));
    }

    bool check_type(const json& type, const json& instance, const std::string& path) {
        std::vector<std::string> types;
        if (type.is_string())
            types.push_back(type.get<std::string>());
        else
            types = type.get<std::vector<std::string>>();
        for (const std::string& name : types) {
            if (has_type(instance, name))
                return true;
        }
        error(path, "expected type " + type.dump() + ", got " + instance.type_name());
        return false;
    }

    void check_array(const json& schema, const json& instance, const std::string& path) {
        if (schema.contains("minItems") && instance.size() < schema["minItems"].get<std::size_t>())
            error(path, "fewer than " + schema["minItems"].dump() + " items");
        if (schema.contains("maxItems") && instance.size() > schema["maxItems"].get<std::size_t>())
            error(path, "more than " + schema["maxItems"].dump() + " items");
        if (schema.contains("items")) {
            for (std::size_t i = 0; i < instance.size(); ++i)
                check(schema["items"], instance[i], path + "[" + std::to_string(i) + "]");
        }
    }

    void check_object(const json& schema, const json& instance, const std::string& path) {
        auto child = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
        if (schema.contains("required")) {
            for (const json& key : schema["required"]) {
                if (!instance.contains(key.get<std::string>()))
                    error(child(key.get<std::string>()), "missing required property");
            }
        }
        const json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
        for (const auto& item : instance.items()) {
            if (properties != nullptr && properties->contains(item.key())) {
                check((*properties)[item.key()], item.value(), child(item.key()));
            } else if (schema.contains("additionalProperties")) {
                check(schema["additionalProperties"], item.value(), child(item.key()));
            }
        }
    }

    const json& root_;
};

}  // namespace

std::vector<std::string> validate_against_schema(const json& schema, const json& instance) {
    Validator validator(schema);
    validator.check(schema, instance, "");
    return validator.errors;
}

const json& trace_schema() {
    static const json schema = [] {
        std::ifstream input(VTP_TRACE_SCHEMA);
        if (!input)
            throw std::runtime_error(std::string("cannot open the schema ") + VTP_TRACE_SCHEMA);
        return json::parse(input);
    }();
    return schema;
}

}  // namespace trace_tests

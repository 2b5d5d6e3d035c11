//! Codes of the load-time checks: input, YAML, schema, values, constraints, inventory.

crate::declare_codes! {
    YAML_SYNTAX = ("SP0001", "yaml-syntax", "the file is not valid YAML",
        "The file could not be parsed as YAML. docker stack deploy would stop at the same place.\n\nFix the syntax at the location shown; a common cause is a tab used for indentation or an unquoted value that contains `: `.");
}

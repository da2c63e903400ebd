//! JSON Schema for the types serde writes as strings but schemars cannot describe by itself
//! (jiff 1's times): the API document is generated from the core's types (issue 13).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A string type with a JSON Schema `format`, described inline where it is used.
macro_rules! string_format {
    ($(#[$doc:meta])* $ty:ident, $format:literal) => {
        $(#[$doc])*
        pub struct $ty;

        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "format": $format })
            }
        }
    };
}

string_format!(
    /// A `jiff::Timestamp` as serde writes it: RFC 3339. Use as `#[schemars(with = "Time")]`.
    Time,
    "date-time"
);
string_format!(
    /// A `jiff::civil::Date` as serde writes it: `YYYY-MM-DD`.
    Date,
    "date"
);

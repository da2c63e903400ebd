//! JSON Schema for the types serde writes as strings but schemars cannot describe by itself
//! (jiff 1's times): the API document is generated from the core's types (issue 13).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A `jiff::Timestamp` as serde writes it: RFC 3339. Use as `#[schemars(with = "Time")]`.
pub struct Time;

impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Time".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// A `jiff::civil::Date` as serde writes it: `YYYY-MM-DD`.
pub struct Date;

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}

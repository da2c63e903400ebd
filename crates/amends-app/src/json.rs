//! JSON read strictly: serde_json keeps the last of two equal keys in an object without a
//! word, so `{"intensity": 3, "intensity": 9}` meant 9 and a client's mistake went unseen
//! (issue 14, defect 12). Written by hand because serde_json has no switch for it and a few
//! lines of `Visitor` do the job.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses one JSON document, refusing any object that names a key twice.
pub fn parse_json_strict(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key {key:?} appears twice in one object; give each field once"
                )));
            }
            let value = map.next_value_seed(Strict)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_are_refused_at_any_depth_and_everything_else_reads_as_serde_json_does() {
        for doc in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"x": {"b": true, "b": false}}"#,
            r#"[{"c": null, "c": null}]"#,
        ] {
            let err = parse_json_strict(doc.as_bytes()).unwrap_err();
            assert!(err.to_string().contains("appears twice"), "{doc}: {err}");
        }
        let doc =
            r#"{"a": [1, -2, 3.5, 18446744073709551615, "s", null, {"b": {}}], "c": "\u00e9"}"#;
        assert_eq!(
            parse_json_strict(doc.as_bytes()).unwrap(),
            serde_json::from_str::<Value>(doc).unwrap()
        );
        assert!(parse_json_strict(b"{} trailing").is_err());
    }
}

//! What goes in and out of the API besides the use cases: the error shape, the JSON body and
//! its fields. Each request's fields are declared once, as data; the same declaration checks the
//! body here and describes it in the OpenAPI document, so the two cannot disagree.

use std::fmt::Display;
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value, json};

pub use crate::http::ApiError;

/// How a field is given. Vocabularies are listed by a function so that the lists come from the
/// core's own `ALL` constants.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A short string.
    Str,
    /// The user's words (a note, a draft): up to 1 MiB.
    Text,
    Number,
    Integer,
    Bool,
    /// A time: RFC 3339, a date (YYYY-MM-DD), `today` or `yesterday`, in the user's time zone.
    Time,
    /// A time exactly as entries store it: RFC 3339 only.
    Instant,
    /// Several lines of the user's words, as a list of strings.
    Lines,
    /// One word of a vocabulary.
    OneOf(fn() -> Vec<&'static str>),
    /// Several words of a vocabulary.
    ListOf(fn() -> Vec<&'static str>),
    /// A JSON object described by a named schema of the OpenAPI document.
    Object(&'static str),
}

impl Ty {
    pub fn expected(self) -> String {
        match self {
            Ty::Str | Ty::Text => "a string".into(),
            Ty::Number => "a number, e.g. 7.5".into(),
            Ty::Integer => "a whole number, e.g. 7".into(),
            Ty::Bool => "true or false".into(),
            Ty::Time => {
                "a string: a date like \"2024-05-03\", \"today\", \"yesterday\", or a time \
                 like \"2024-05-03T18:30:00+02:00\""
                    .into()
            }
            Ty::Instant => "an RFC 3339 time like \"2024-05-03T18:30:00Z\"".into(),
            Ty::Lines => "a list of strings".into(),
            Ty::OneOf(values) => format!("one of: {}", values().join(", ")),
            Ty::ListOf(values) => format!("a list of: {}", values().join(", ")),
            Ty::Object(_) => "a JSON object".into(),
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            Ty::Str | Ty::Text | Ty::Time | Ty::Instant | Ty::OneOf(_) => v.is_string(),
            Ty::Number => v.is_number(),
            // Only what `Fields::integer` can read back: a u64 above i64::MAX is not one.
            Ty::Integer => v.is_i64(),
            Ty::Bool => v.is_boolean(),
            Ty::ListOf(_) | Ty::Lines => {
                v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
            }
            Ty::Object(_) => v.is_object(),
        }
    }
}

/// One field of a request body or query.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub about: &'static str,
}

pub const fn req(name: &'static str, ty: Ty, about: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        about,
    }
}

pub const fn opt(name: &'static str, ty: Ty, about: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        about,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A request body, before it is read as JSON. A body must say it is JSON: a form from another
/// site cannot, without a preflight this server never answers.
pub struct JsonBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The request body is too large or could not be read.",
            )
        })?;
        if !bytes.is_empty() && !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send the body as JSON, with the header Content-Type: application/json.",
            ));
        }
        Ok(JsonBody(bytes))
    }
}

impl JsonBody {
    /// The body as the fields of `spec`: a JSON object with no unknown field, every required
    /// field present and every field of the right type. An empty body counts as `{}`.
    pub fn fields(&self, spec: &'static [Field]) -> Result<Fields, ApiError> {
        let names = || spec.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
        let map = if self.0.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            // Strict: an object naming a key twice is refused, not read as its last value.
            match amends_app::parse_json_strict(&self.0) {
                Ok(Value::Object(m)) => m,
                Ok(other) => {
                    return Err(ApiError::bad_json(format!(
                        "The body must be a JSON object with the fields {}; it is {}.",
                        names(),
                        kind_of(&other)
                    )));
                }
                Err(e) => {
                    return Err(ApiError::bad_json(format!(
                        "The body is not valid JSON ({e}). Send a JSON object with the fields {}.",
                        names()
                    )));
                }
            }
        };
        Fields::check(map, spec, "", &names())
    }
}

/// The checked fields of one request.
pub struct Fields {
    map: Map<String, Value>,
    spec: &'static [Field],
}

impl Fields {
    /// Query parameters, checked against `spec` like a body (all values are strings there).
    pub fn query(raw: Option<&str>, spec: &'static [Field]) -> Result<Fields, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    format!("The query string could not be read: {e}."),
                )
            })?;
        let mut map = Map::new();
        for (k, v) in pairs {
            let value = match spec.iter().find(|f| f.name == k).map(|f| f.ty) {
                Some(Ty::Integer) => match v.trim().parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => Value::String(v),
                },
                _ => Value::String(v),
            };
            map.insert(k, value);
        }
        let names = spec.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
        Self::check(map, spec, "", &names)
    }

    /// An object inside a body, checked like a body; each problem names its field below
    /// `prefix` (`entry.` gives `entry.note`), and an unknown one lists what `what` takes.
    pub fn nested(
        map: Map<String, Value>,
        spec: &'static [Field],
        prefix: &str,
        what: &str,
    ) -> Result<Fields, ApiError> {
        let names = spec.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
        let takes = if names.is_empty() {
            format!("{what} takes no fields")
        } else {
            format!("{what} takes: {names}")
        };
        Self::check(map, spec, prefix, &takes)
    }

    /// `takes` is the list of field names for a body, the whole "... takes: ..." phrase for a
    /// nested object; `prefix` is put before every field name the errors give.
    fn check(
        map: Map<String, Value>,
        spec: &'static [Field],
        prefix: &str,
        takes: &str,
    ) -> Result<Fields, ApiError> {
        let named = |name: &str| format!("{prefix}{name}");
        if let Some(unknown) = map.keys().find(|k| !spec.iter().any(|f| f.name == *k)) {
            let takes = match (prefix, takes) {
                ("", "") => "this request takes no fields".to_string(),
                ("", names) => format!("this request takes: {names}"),
                (_, phrase) => phrase.to_string(),
            };
            return Err(ApiError::invalid(
                &named(unknown),
                format!("there is no such field; {takes}"),
            ));
        }
        for f in spec {
            match map.get(f.name).filter(|v| !v.is_null()) {
                None if f.required => {
                    let what = match f.ty {
                        Ty::OneOf(_) | Ty::ListOf(_) => format!(" Give {}.", f.ty.expected()),
                        _ => String::new(),
                    };
                    return Err(ApiError::invalid(
                        &named(f.name),
                        format!("this field is missing ({}).{what}", f.about),
                    ));
                }
                Some(v) if !f.ty.accepts(v) => {
                    return Err(ApiError::invalid(
                        &named(f.name),
                        match (f.ty, v) {
                            // 2^64 used to pass as a whole number and then read as missing.
                            (Ty::Integer, Value::Number(n)) => format!(
                                "give {}; {n} is not one amends can use (whole numbers from \
                                 {} to {})",
                                f.ty.expected(),
                                i64::MIN,
                                i64::MAX
                            ),
                            _ => format!("give {}, not {}", f.ty.expected(), kind_of(v)),
                        },
                    ));
                }
                _ => {}
            }
        }
        Ok(Fields { map, spec })
    }

    fn get(&self, name: &str) -> Result<Option<&Value>, ApiError> {
        if !self.spec.iter().any(|f| f.name == name) {
            return Err(ApiError::internal(format!(
                "the field {name:?} is read but not declared for this request"
            )));
        }
        Ok(self.map.get(name).filter(|v| !v.is_null()))
    }

    pub fn str(&self, name: &str) -> Result<Option<&str>, ApiError> {
        Ok(self.get(name)?.and_then(Value::as_str))
    }

    /// A field the spec makes required.
    pub fn string(&self, name: &str) -> Result<&str, ApiError> {
        self.str(name)?
            .ok_or_else(|| ApiError::invalid(name, "this field is missing"))
    }

    pub fn number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        Ok(self.get(name)?.and_then(Value::as_f64))
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, ApiError> {
        Ok(self.get(name)?.and_then(Value::as_i64))
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        Ok(self.get(name)?.and_then(Value::as_bool))
    }

    pub fn value(&self, name: &str) -> Result<Option<&Value>, ApiError> {
        self.get(name)
    }

    /// A word of a vocabulary; an unknown one is refused with the valid words (the core's
    /// `FromStr` lists them).
    pub fn word<T>(&self, name: &str) -> Result<Option<T>, ApiError>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.str(name)?
            .map(|s| s.parse::<T>().map_err(|e| ApiError::invalid(name, e)))
            .transpose()
    }

    /// A required word of a vocabulary.
    pub fn need<T>(&self, name: &str) -> Result<T, ApiError>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.word(name)?
            .ok_or_else(|| ApiError::invalid(name, "this field is missing"))
    }

    pub fn words<T>(&self, name: &str) -> Result<Option<Vec<T>>, ApiError>
    where
        T: FromStr,
        T::Err: Display,
    {
        let Some(list) = self.get(name)?.and_then(Value::as_array) else {
            return Ok(None);
        };
        list.iter()
            .filter_map(Value::as_str)
            .map(|s| s.parse::<T>().map_err(|e| ApiError::invalid(name, e)))
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }
}

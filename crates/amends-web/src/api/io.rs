//! What goes in and out of the API around the typed commands of `amends_app::command`: the JSON
//! body, the query and the path read through serde (a problem names its field by its path and
//! says what the field takes, from the type's own schema), and the answers, each telling the
//! OpenAPI document what it is.

use aide::generate::GenContext;
use aide::openapi::{
    MediaType, Operation, Response as DocResponse, SchemaObject, StatusCode as Code,
};
use aide::{OperationInput, OperationOutput};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

pub use crate::http::ApiError;

/// Every error: a stable code and plain words, with `field` when one field is to blame.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Error", deny_unknown_fields)]
pub struct ErrorBody {
    /// A stable code, e.g. invalid, locked, csrf, refused.
    pub error: String,
    /// What went wrong and what to do.
    pub message: String,
    /// The field to blame, when there is one (`entry.note` for one inside another).
    pub field: Option<String>,
    /// Why a rule refuses it, each with its METHOD id.
    pub reasons: Option<Vec<String>>,
    /// The coach's verdict, for a draft that cannot be marked as sent.
    pub verdict: Option<amends_app::coach::Verdict>,
    /// How long to wait before the next try (with 429).
    pub retry_after_seconds: Option<u64>,
}

impl OperationOutput for ApiError {
    type Inner = ErrorBody;

    fn operation_response(ctx: &mut GenContext, op: &mut Operation) -> Option<DocResponse> {
        <axum::Json<ErrorBody> as OperationOutput>::operation_response(ctx, op)
    }
}

/// A request body, read strictly: JSON (a form from another site cannot be, without a
/// preflight this server never answers), an object naming no key twice, and no field the
/// command does not have. An empty body counts as `{}`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + JsonSchema + 'static> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
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
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return decode(Value::Object(Map::new())).map(Body);
        }
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send the body as JSON, with the header Content-Type: application/json.",
            ));
        }
        let value = amends_app::parse_json_strict(&bytes).map_err(|e| {
            ApiError::bad_json(format!(
                "The body is not valid JSON ({e}). Send a JSON object."
            ))
        })?;
        if !value.is_object() {
            return Err(ApiError::bad_json(format!(
                "The body must be a JSON object with the fields of this request; it is {}.",
                kind_of(&value)
            )));
        }
        decode(value).map(Body)
    }
}

impl<T: JsonSchema> OperationInput for Body<T> {
    fn operation_input(ctx: &mut GenContext, op: &mut Operation) {
        <axum::Json<T> as OperationInput>::operation_input(ctx, op);
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

/// A query string, read like a body: unknown parameters are refused by name.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + JsonSchema + 'static> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| field_error(e, &schema_of::<T>()))
    }
}

impl<T: JsonSchema> OperationInput for Query<T> {
    fn operation_input(ctx: &mut GenContext, op: &mut Operation) {
        <axum::extract::Query<T> as OperationInput>::operation_input(ctx, op);
    }
}

/// The parameters in a path; one that names nothing is a 404 that lists what there is.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + JsonSchema + Send> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Params(t)),
            Err(e) => Err(ApiError::not_found(format!(
                "Nothing is at this address: {}.",
                e.body_text().replace('`', "")
            ))),
        }
    }
}

impl<T: JsonSchema> OperationInput for Params<T> {
    fn operation_input(ctx: &mut GenContext, op: &mut Operation) {
        <Path<T> as OperationInput>::operation_input(ctx, op);
    }
}

/// The schema of `T`, as the document shows it: generated once per type.
fn schema_of<T: JsonSchema + 'static>() -> Arc<Value> {
    static SCHEMAS: LazyLock<Mutex<HashMap<TypeId, Arc<Value>>>> = LazyLock::new(Default::default);
    let mut known = SCHEMAS.lock().unwrap_or_else(|e| e.into_inner());
    let schema = known.entry(TypeId::of::<T>()).or_insert_with(|| {
        Arc::new(serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default())
    });
    Arc::clone(schema)
}

/// Reads `value` as the command `T`. A problem names its field by its path and says what the
/// field takes, both from the schema of `T`; serde has the last word on anything else.
pub fn decode<T: DeserializeOwned + JsonSchema + 'static>(value: Value) -> Result<T, ApiError> {
    let schema = schema_of::<T>();
    let walk = Walk { root: &schema };
    if let Some((path, problem)) = walk.check(&value, &schema, &mut Vec::new()) {
        return Err(invalid(&path, problem));
    }
    serde_path_to_error::deserialize(value).map_err(|e| field_error(e, &schema))
}

fn invalid(path: &[String], problem: String) -> ApiError {
    if path.is_empty() {
        return ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", problem);
    }
    ApiError::invalid(&path.join("."), problem)
}

/// A serde error as the API says it: the field by its path and what it takes.
fn field_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>, schema: &Value) -> ApiError {
    let mut path: Vec<String> = e
        .path()
        .iter()
        .map(|s| s.to_string())
        .filter(|s| s != "?")
        .collect();
    let message = e.inner().to_string().replace('`', "");
    // serde names a missing or unknown field in its message, at the level of its parent.
    let named = ["missing field ", "unknown field "]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .map(|rest| rest.split([',', ' ']).next().unwrap_or(rest).to_string());
    if let Some(name) = named
        && path.last() != Some(&name)
    {
        path.push(name);
    }
    let walk = Walk { root: schema };
    let takes = walk.at(schema, &path).map(|s| walk.takes(&s));
    let problem = match takes {
        Some(takes) if !message.starts_with("unknown field") => format!("{message}; give {takes}"),
        _ => message,
    };
    invalid(&path, problem)
}

/// A walk of a value along its schema, for the problems worth naming before serde reads it:
/// an unknown field, a missing one, a word outside its vocabulary, a value of the wrong type.
struct Walk<'a> {
    root: &'a Value,
}

type Found = Option<(Vec<String>, String)>;

impl Walk<'_> {
    fn resolve(&self, s: &Value) -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let at = self.root.pointer(r.trim_start_matches('#'));
                at.cloned().unwrap_or(Value::Null)
            }
            None => s.clone(),
        }
    }

    /// The schemas a value may match: an Option's `anyOf` with null, a vocabulary's `oneOf`.
    fn options(&self, s: &Value) -> Vec<Value> {
        let s = self.resolve(s);
        for key in ["anyOf", "oneOf"] {
            if let Some(v) = s.get(key).and_then(Value::as_array) {
                return v.iter().flat_map(|x| self.options(x)).collect();
            }
        }
        vec![s]
    }

    /// The schema at `path` below `s`.
    fn at(&self, s: &Value, path: &[String]) -> Option<Value> {
        let mut s = self.resolve(s);
        for name in path {
            s = self.options(&s).iter().find_map(|o| {
                let p = o.pointer(&format!("/properties/{name}"))?;
                Some(self.resolve(p))
            })?;
        }
        Some(s)
    }

    /// What a schema takes, in words.
    fn takes(&self, s: &Value) -> String {
        let options = self.options(s);
        let words: Vec<&str> = options
            .iter()
            .flat_map(words)
            .filter_map(Value::as_str)
            .collect();
        if !words.is_empty() {
            return format!("one of: {}", words.join(", "));
        }
        let types = options.iter().flat_map(|o| match o.get("type") {
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(t)) => vec![t.as_str()],
            _ => Vec::new(),
        });
        let words = types.filter_map(|t| match t {
            "integer" => Some("a whole number, e.g. 7"),
            "number" => Some("a number, e.g. 7.5"),
            "boolean" => Some("true or false"),
            "string" => Some("a string"),
            "array" => Some("a list"),
            "object" => Some("a JSON object"),
            _ => None,
        });
        words.collect::<Vec<_>>().join(" or ")
    }

    fn check(&self, v: &Value, s: &Value, path: &mut Vec<String>) -> Found {
        let mut options = self.options(s);
        // Entries are told apart by their kind (the schema's `const`): check the one named.
        let kind_of = |o: &Value| o.pointer("/properties/kind/const").cloned();
        if options.len() > 1 && options.iter().all(|o| kind_of(o).is_some()) {
            let kinds: Vec<Value> = options.iter().filter_map(kind_of).collect();
            let given = v.get("kind");
            let Some(at) = given.and_then(|k| kinds.iter().position(|c| c == k)) else {
                path.push("kind".into());
                let names: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
                let problem = if given.is_none() {
                    "this field is missing"
                } else {
                    "unknown kind"
                };
                return Some((
                    path.clone(),
                    format!("{problem}; give one of: {}", names.join(", ")),
                ));
            };
            options = vec![options.swap_remove(at)];
        }
        let fits = |o: &&Value| {
            let typed = match o.get("type") {
                Some(Value::String(t)) => type_fits(t, v),
                Some(Value::Array(ts)) => {
                    ts.iter().filter_map(Value::as_str).any(|t| type_fits(t, v))
                }
                _ => true,
            };
            let listed = words(o);
            typed && (listed.is_empty() || listed.contains(&v))
        };
        let Some(s) = options.iter().find(fits) else {
            return Some((path.clone(), format!("give {}", self.takes(s))));
        };
        match v {
            Value::Object(map) => self.check_object(map, s, path),
            // A problem in a list names the list.
            Value::Array(items) => {
                let item = s.get("items").filter(|i| i.is_object())?;
                items.iter().find_map(|v| self.check(v, item, path))
            }
            _ => None,
        }
    }

    fn check_object(&self, map: &Map<String, Value>, s: &Value, path: &mut Vec<String>) -> Found {
        let props = s.get("properties").and_then(Value::as_object);
        let known = |k: &String| props.is_some_and(|p| p.contains_key(k));
        if s.get("additionalProperties") == Some(&Value::Bool(false))
            && let Some(k) = map.keys().find(|k| !known(k))
        {
            let what = match map.get("kind").and_then(Value::as_str) {
                _ if path.is_empty() => "this request".to_string(),
                Some(kind) => format!("a {kind} entry"),
                None => path.join("."),
            };
            // An entry's kind is its tag, not one of its fields.
            let field = |k: &&str| path.is_empty() || *k != "kind";
            let names: Vec<&str> = props
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .filter(field)
                .collect();
            path.push(k.clone());
            let takes = if names.is_empty() {
                "no fields".to_string()
            } else {
                names.join(", ")
            };
            return Some((
                path.clone(),
                format!("there is no such field; {what} takes: {takes}"),
            ));
        }
        let mut required = s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let missing = |k: &&str| map.get(*k).is_none_or(Value::is_null);
        if let Some(k) = required.by_ref().filter_map(Value::as_str).find(missing) {
            let takes = props
                .and_then(|p| p.get(k))
                .map(|p| self.takes(p))
                .unwrap_or_default();
            path.push(k.to_string());
            return Some((path.clone(), format!("this field is missing; give {takes}")));
        }
        for (k, v) in map {
            let Some(p) = props.and_then(|p| p.get(k)) else {
                continue;
            };
            path.push(k.clone());
            if let Some(found) = self.check(v, p, path) {
                return Some(found);
            }
            path.pop();
        }
        None
    }
}

/// The words of a vocabulary: a `const`, or an `enum`.
fn words(o: &Value) -> Vec<&Value> {
    let one = o.get("const").into_iter();
    one.chain(
        o.get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    )
    .collect()
}

fn type_fits(t: &str, v: &Value) -> bool {
    match t {
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => true,
    }
}

/// A JSON answer with the status `S` (200, or 201 for something recorded), with the session
/// cookie when it starts or ends a session.
pub struct Reply<T, const S: u16 = 200> {
    body: T,
    cookie: Option<HeaderValue>,
}

pub type Created<T> = Reply<T, 201>;

pub fn ok<T>(body: T) -> Reply<T> {
    Reply { body, cookie: None }
}

pub fn created<T>(body: T) -> Created<T> {
    Reply { body, cookie: None }
}

impl<T, const S: u16> Reply<T, S> {
    pub fn with_cookie(mut self, cookie: HeaderValue) -> Self {
        self.cookie = Some(cookie);
        self
    }
}

impl<T: Serialize, const S: u16> IntoResponse for Reply<T, S> {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(S).unwrap_or(StatusCode::OK);
        let mut res = (status, axum::Json(self.body)).into_response();
        if let Some(cookie) = self.cookie {
            res.headers_mut().insert(SET_COOKIE, cookie);
        }
        res
    }
}

impl<T: JsonSchema, const S: u16> OperationOutput for Reply<T, S> {
    type Inner = T;

    fn operation_response(ctx: &mut GenContext, op: &mut Operation) -> Option<DocResponse> {
        <axum::Json<T> as OperationOutput>::operation_response(ctx, op)
    }

    fn inferred_responses(
        ctx: &mut GenContext,
        op: &mut Operation,
    ) -> Vec<(Option<Code>, DocResponse)> {
        Self::operation_response(ctx, op)
            .map(|r| vec![(Some(Code::Code(S)), r)])
            .unwrap_or_default()
    }
}

/// A file to save (an export, a calendar): what the document says of it.
pub trait FileKind {
    const TYPES: &'static [&'static str];
    const ABOUT: &'static str;
}

pub struct File<K>(pub Response, pub std::marker::PhantomData<K>);

impl<K> IntoResponse for File<K> {
    fn into_response(self) -> Response {
        self.0
    }
}

impl<K: FileKind> OperationOutput for File<K> {
    type Inner = String;

    fn inferred_responses(
        _: &mut GenContext,
        _: &mut Operation,
    ) -> Vec<(Option<Code>, DocResponse)> {
        let content = K::TYPES.iter().map(|t| {
            let schema = schemars::json_schema!({ "type": "string" });
            let media = MediaType {
                schema: Some(SchemaObject {
                    json_schema: schema,
                    example: None,
                    external_docs: None,
                }),
                ..Default::default()
            };
            (t.to_string(), media)
        });
        let res = DocResponse {
            description: K::ABOUT.into(),
            content: content.collect(),
            ..Default::default()
        };
        vec![(Some(Code::Code(200)), res)]
    }
}

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
    pub verdict: Option<amends_lint::Verdict>,
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

impl<S: Send + Sync, T: DeserializeOwned + JsonSchema> FromRequest<S> for Body<T> {
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

impl<S: Send + Sync, T: DeserializeOwned + JsonSchema> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(field_error::<T, _>)
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

/// Reads `value` as the command `T`; a problem names its field.
pub fn decode<T: DeserializeOwned + JsonSchema>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(field_error::<T, _>)
}

/// A serde error as the API says it: the field by its path (`entry.note`), what is wrong, and
/// what the field takes, read from the schema of `T` (the same one the document shows).
fn field_error<T: JsonSchema, E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> ApiError {
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
    if let Some(name) = &named
        && path.last() != Some(name)
    {
        path.push(name.clone());
    }
    let field = path.join(".");
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    let takes = expected(&schema, &path);
    let problem = match (message.starts_with("missing field"), takes) {
        (true, Some(takes)) => format!("this field is missing; give {takes}"),
        (true, None) => "this field is missing".to_string(),
        (false, Some(takes)) if !message.starts_with("unknown field") => {
            format!("{message}; give {takes}")
        }
        _ => message,
    };
    if field.is_empty() {
        return ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", problem);
    }
    ApiError::invalid(&field, problem)
}

/// What the field at `path` takes, in words: the values of a vocabulary, a whole number, ...
fn expected(root: &Value, path: &[String]) -> Option<String> {
    let resolve = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => root
                .pointer(r.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null),
            None => s.clone(),
        }
    };
    let mut s = resolve(root);
    for name in path {
        let Some(next) = s.pointer(&format!("/properties/{name}")).map(&resolve) else {
            return None;
        };
        s = next;
    }
    // An Option is `anyOf: [T, null]`; a vocabulary `enum` or `oneOf` of `const`s.
    let mut consts = Vec::new();
    let mut types = Vec::new();
    let mut stack = vec![s];
    while let Some(s) = stack.pop() {
        let s = resolve(&s);
        for key in ["anyOf", "oneOf"] {
            if let Some(v) = s.get(key).and_then(Value::as_array) {
                stack.extend(v.iter().rev().cloned());
            }
        }
        if let Some(c) = s.get("const").and_then(Value::as_str) {
            consts.push(c.to_string());
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            consts.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
        }
        match s.get("type") {
            Some(Value::String(t)) => types.push(t.clone()),
            Some(Value::Array(ts)) => {
                types.extend(ts.iter().filter_map(Value::as_str).map(str::to_string))
            }
            _ => {}
        }
    }
    if !consts.is_empty() {
        return Some(format!("one of: {}", consts.join(", ")));
    }
    let words = types.iter().find_map(|t| match t.as_str() {
        "integer" => Some("a whole number, e.g. 7"),
        "number" => Some("a number, e.g. 7.5"),
        "boolean" => Some("true or false"),
        "string" => Some("a string"),
        "array" => Some("a list"),
        "object" => Some("a JSON object"),
        _ => None,
    })?;
    Some(words.to_string())
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

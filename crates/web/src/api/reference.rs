//! The API reference at /api/v1/docs, rendered on the server from the
//! OpenAPI document itself (no script, no CDN): operations grouped by
//! resource with a sidebar, each with its parameters, body fields, a curl
//! call and example request and answer bodies made from the schemas.

use super::openapi_document;
use crate::pages::views::escape;
use serde_json::{json, Map, Value};

/// How many references an example follows (a record in a page, its
/// address, …); a schema that refers to itself stops there.
const EXAMPLE_DEPTH: usize = 6;

pub fn reference_page() -> String {
    let document = serde_json::to_value(openapi_document()).unwrap_or(Value::Null);
    let mut groups: Vec<(String, Vec<Operation>)> = Vec::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "delete"] {
                let operation = &item[method];
                if !operation.is_object() {
                    continue;
                }
                let tag = operation["tags"][0].as_str().unwrap_or("other").to_string();
                let entry = Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    operation: operation.clone(),
                };
                match groups.iter_mut().find(|(name, _)| *name == tag) {
                    Some((_, operations)) => operations.push(entry),
                    None => groups.push((tag, vec![entry])),
                }
            }
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut nav = String::from("<nav class=\"api-nav\" aria-label=\"Resources\"><ul>");
    let mut body = String::new();
    for (tag, operations) in &groups {
        nav.push_str(&format!(
            "<li><a href=\"#{0}\">{1}</a><ul>",
            anchor(tag),
            escape(tag)
        ));
        body.push_str(&format!(
            "<section class=\"api-group\" id=\"{}\"><h2>{}</h2>",
            anchor(tag),
            escape(tag)
        ));
        for operation in operations {
            nav.push_str(&format!(
                "<li><a href=\"#{}\"><span class=\"method {}\">{}</span> {}</a></li>",
                operation.id(),
                operation.method.to_lowercase(),
                operation.method,
                escape(&operation.path)
            ));
            body.push_str(&operation.render(&document));
        }
        nav.push_str("</ul></li>");
        body.push_str("</section>");
    }
    nav.push_str("</ul></nav>");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Custodian API reference</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body class=\"api-reference\">\
         {nav}<main class=\"doc\"><p><a href=\"/\">← Back to Custodian</a></p>\
         <h1>Custodian API reference</h1><p>{intro}</p>\
         <p><a href=\"/api/v1/openapi.json\">OpenAPI 3.1 document</a> (for generating a client)</p>\
         {body}</main></body></html>",
        css = crate::assets::css_href(),
        intro = with_code(document["info"]["description"].as_str().unwrap_or("")),
    )
}

struct Operation {
    method: String,
    path: String,
    operation: Value,
}

impl Operation {
    fn id(&self) -> String {
        anchor(
            self.operation["operationId"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}{}", self.method, self.path))
                .as_str(),
        )
    }

    fn render(&self, document: &Value) -> String {
        let op = &self.operation;
        let mut html = format!(
            "<article class=\"api-operation\" id=\"{}\"><h3><span class=\"method {}\">{}</span> <code>{}</code></h3><p>{}</p>",
            self.id(),
            self.method.to_lowercase(),
            self.method,
            escape(&self.path),
            with_code(op["summary"].as_str().unwrap_or(""))
        );
        if let Some(parameters) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
            html.push_str("<h4>Parameters</h4><ul class=\"api-fields\">");
            for p in parameters {
                html.push_str(&format!(
                    "<li><code>{}</code> <small>{}, {}{}</small> {}</li>",
                    escape(p["name"].as_str().unwrap_or("")),
                    escape(p["in"].as_str().unwrap_or("")),
                    escape(&type_name(&p["schema"])),
                    if p["required"].as_bool() == Some(true) {
                        ", required"
                    } else {
                        ""
                    },
                    with_code(p["description"].as_str().unwrap_or(""))
                ));
            }
            html.push_str("</ul>");
        }
        let request = &op["requestBody"]["content"]["application/json"]["schema"];
        let mut curl = format!("curl -X {} -H 'Authorization: Bearer $TOKEN'", self.method);
        if !request.is_null() {
            let schema = resolve(document, request);
            html.push_str(&fields(&schema));
            let example = example(document, request, "", 0);
            let pretty = serde_json::to_string_pretty(&example).unwrap_or_default();
            html.push_str(&format!(
                "<h4>Example request body</h4><pre><code>{}</code></pre>",
                escape(&pretty)
            ));
            curl.push_str(" -H 'Content-Type: application/json' -d @body.json");
        }
        curl.push_str(&format!(" \"$CUSTODIAN{}\"", self.path));
        html.push_str(&format!(
            "<h4>Call</h4><pre><code>{}</code></pre>",
            escape(&curl)
        ));
        html.push_str("<h4>Answers</h4><ul class=\"api-fields\">");
        let mut shown = None;
        if let Some(responses) = op["responses"].as_object() {
            for (status, response) in responses {
                html.push_str(&format!(
                    "<li><code>{}</code> {}</li>",
                    escape(status),
                    with_code(response["description"].as_str().unwrap_or(""))
                ));
                let schema = &response["content"]["application/json"]["schema"];
                if shown.is_none() && status.starts_with('2') && !schema.is_null() {
                    shown = Some((status.clone(), example(document, schema, "", 0)));
                }
            }
        }
        html.push_str("</ul>");
        if let Some((status, example)) = shown {
            html.push_str(&format!(
                "<h4>Example answer ({})</h4><pre><code>{}</code></pre>",
                escape(&status),
                escape(&serde_json::to_string_pretty(&example).unwrap_or_default())
            ));
        }
        html.push_str("</article>");
        html
    }
}

/// The body's fields with their types, required ones marked.
fn fields(schema: &Value) -> String {
    let Some(properties) = schema["properties"].as_object() else {
        return String::new();
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut html = String::from("<h4>Body fields</h4><ul class=\"api-fields\">");
    for (name, property) in properties {
        html.push_str(&format!(
            "<li><code>{}</code> <small>{}{}</small> {}</li>",
            escape(name),
            escape(&type_name(property)),
            if required.contains(&name.as_str()) {
                ", required"
            } else {
                ""
            },
            with_code(property["description"].as_str().unwrap_or(""))
        ));
    }
    html.push_str("</ul>");
    html
}

/// A schema's type as a reader says it: `string`, `integer or null`, a
/// referenced schema's name, `array of Contact`.
fn type_name(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => match schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
            Some(options) => options
                .iter()
                .map(type_name)
                .collect::<Vec<_>>()
                .join(" or "),
            None => String::new(),
        },
    };
    if kind.starts_with("array") {
        return format!("array of {}", type_name(&schema["items"]));
    }
    match schema["enum"].as_array() {
        Some(values) => format!(
            "{kind}: {}",
            values
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => kind,
    }
}

/// The schema a `$ref` names, or the schema itself.
fn resolve(document: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            document["components"]["schemas"][name].clone()
        }
        None => schema.clone(),
    }
}

/// An example value of `schema`, with plausible values for fields whose
/// name says what they hold.
fn example(document: &Value, schema: &Value, name: &str, depth: usize) -> Value {
    if depth > EXAMPLE_DEPTH {
        return Value::Null;
    }
    if schema["$ref"].is_string() {
        return example(document, &resolve(document, schema), name, depth + 1);
    }
    if let Some(value) = schema.get("example") {
        return value.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
        return first.clone();
    }
    if let Some(first) = schema["oneOf"]
        .as_array()
        .or(schema["anyOf"].as_array())
        .or(schema["allOf"].as_array())
        .and_then(|v| v.iter().find(|s| s["type"] != "null"))
    {
        return example(document, first, name, depth + 1);
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.as_str(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ if schema["properties"].is_object() => "object",
        _ => "null",
    };
    match kind {
        "object" => {
            let mut object = Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (field, property) in properties {
                    object.insert(field.clone(), example(document, property, field, depth));
                }
            }
            Value::Object(object)
        }
        "array" => json!([example(document, &schema["items"], name, depth)]),
        "integer" => json!(if name == "id" || name.ends_with("_id") {
            378_613_301_154_257_i64
        } else {
            schema["minimum"].as_i64().unwrap_or(1)
        }),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "string" => json!(string_example(name, schema["format"].as_str())),
        _ => Value::Null,
    }
}

fn string_example(name: &str, format: Option<&str>) -> &'static str {
    match format {
        Some("date") => return "2026-12-08",
        Some("date-time") => return "2026-12-08T10:30:00Z",
        Some("email") => return "anna.schmidt@example.com",
        _ => {}
    }
    match name {
        "first_name" => "Anna",
        "last_name" => "Schmidt",
        "name" => "Acme GmbH",
        "email" | "subject_email" => "anna.schmidt@example.com",
        "country" => "DE",
        "currency" => "EUR",
        "city" => "Berlin",
        "subject" | "title" => "Printer on the second floor jams",
        "value" | "amount" => "48500.00",
        _ => "text",
    }
}

fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `code` in a description becomes <code>code</code>.
fn with_code(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(n, part)| {
            if n % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_follow_the_schema_and_name_fields_plausibly() {
        let document = json!({"components": {"schemas": {
            "Contact": {"type": "object", "properties": {
                "id": {"type": "integer"},
                "last_name": {"type": "string"},
                "emails": {"type": "array", "items": {"type": "string"}},
                "gender": {"type": ["string", "null"], "enum": ["female", "male"]},
                "born": {"type": "string", "format": "date"}
            }}
        }}});
        let shown = example(
            &document,
            &json!({"$ref": "#/components/schemas/Contact"}),
            "",
            0,
        );
        assert_eq!(
            shown,
            json!({"id": 378_613_301_154_257_i64, "last_name": "Schmidt", "emails": ["text"], "gender": "female", "born": "2026-12-08"})
        );
        assert_eq!(
            type_name(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Contact"}})),
            "array of Contact"
        );
    }
}

"""/api/v1/openapi.json, and /api/v1/docs: a server-rendered reference made from that same
spec. The first page has the basics (auth, keys, cursors, errors, a curl example) and an
index of the endpoints by tag; each tag has its own page with its endpoints' parameters and
the schemas they use, so every page stays small as the API grows. No UI bundle, no script,
no CDN: pages that read on a phone, work with JavaScript off, and print."""

from __future__ import annotations

import re

from flask import abort, current_app, render_template

from portal.api.core import HTTP_CODES, KEY_RE, PREFIX, bp, spec
from portal.web.navigation import base_url

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/openapi.json")
def openapi():
    """The spec: OpenAPI 3.1, written by spectree from the views and their pydantic models."""
    response = current_app.json.response(spec.spec)
    response.headers["Access-Control-Allow-Origin"] = "*"  # the spec is public
    return response


def _ref_name(schema: dict | None) -> str:
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else ""


def _type(prop: dict) -> str:
    if "$ref" in prop:
        return _ref_name(prop)
    if "anyOf" in prop:
        return " | ".join(_type(p) for p in prop["anyOf"])
    if prop.get("type") == "array":
        return f"[{_type(prop.get('items', {}))}]"
    text = prop.get("type", "object")
    if prop.get("format"):
        text += f" ({prop['format']})"
    return text


def _bounds(prop: dict) -> str:
    parts = [f"{word} {prop[key]}" for key, word in (
        ("minimum", "≥"), ("maximum", "≤"), ("minLength", "长度 ≥"), ("maxLength", "长度 ≤"),
        ("minItems", "条数 ≥"), ("maxItems", "条数 ≤")) if key in prop]
    if "default" in prop and prop["default"] is not None:
        parts.append(f"默认 {prop['default']}")
    return "，".join(parts)


def _refs(node, found: set[str]) -> None:
    """Every schema name `node` refers to, however deep."""
    if isinstance(node, dict):
        if "$ref" in node:
            found.add(_ref_name(node))
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _used(document: dict, operations: list[dict]) -> set[str]:
    """The schemas the operations use, with the schemas those use."""
    components = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    for op in operations:
        _refs(op["raw"], found)
    todo = list(found)
    while todo:
        more: set[str] = set()
        _refs(components.get(todo.pop(), {}), more)
        todo += sorted(more - found)
        found |= more
    return found


def _schemas(document: dict, names: set[str]) -> list[dict]:
    rows = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        if name not in names:
            continue
        required = set(schema.get("required", ()))
        rows.append({"name": name, "description": schema.get("description", ""),
                     "fields": [{"name": field, "type": _type(prop),
                                 "required": field in required, "bounds": _bounds(prop),
                                 "description": prop.get("description", "")}
                                for field, prop in schema.get("properties", {}).items()]})
    return rows


def _operations(document: dict) -> list[dict]:
    # indexed by the spec's path: /shifts/<int:shift_id> and /exports/<kind> become {…}
    scopes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule):
              getattr(current_app.view_functions[rule.endpoint], "api_scope", "")
              for rule in current_app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    rows = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            rows.append({
                "raw": op, "tag": (op.get("tags") or [""])[0],
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "id": op.get("operationId", ""),
                "scope": scopes.get(path, ""),
                "idempotent": "Idempotency-Key" in op.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"],
                                "required": p.get("required", False),
                                "type": _type(p.get("schema", {})),
                                "bounds": _bounds(p.get("schema", {})),
                                "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": _ref_name(body.get("schema")),
                "responses": [{"status": status,
                               "schema": _ref_name(answer.get("content", {})
                                                   .get("application/json", {}).get("schema"))}
                              for status, answer in sorted(op.get("responses", {}).items())],
            })
    return rows


def _tags(operations: list[dict]) -> list[str]:
    return list(dict.fromkeys(op["tag"] for op in operations))


@bp.get("/docs")
def docs():
    document = spec.spec
    operations = _operations(document)
    return render_template(
        "api/docs.html", info=document.get("info", {}), version=document.get("openapi"),
        operations=operations, tags=_tags(operations),
        errors=sorted((status, code, message) for status, (code, message) in HTTP_CODES.items()),
        base=base_url() + PREFIX, key_pattern=KEY_RE.pattern)


@bp.get("/docs/<tag>")
def docs_tag(tag: str):
    """One tag's endpoints in full, and the schemas they use."""
    document = spec.spec
    operations = [op for op in _operations(document) if op["tag"] == tag]
    if not operations:
        abort(404)
    return render_template(
        "api/docs_tag.html", info=document.get("info", {}), tag=tag, operations=operations,
        schemas=_schemas(document, _used(document, operations)))

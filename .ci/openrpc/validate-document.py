#!/usr/bin/env python3
"""Check an OpenRPC document against the OpenRPC 1.4 meta-schema, offline.

Usage: validate-document.py [OPENRPC_JSON]   (default: protocol/openrpc.json)
Needs: jsonschema (with referencing), as in .ci/run's .venv. Prints each violation (at most 20), then
"meta-schema errors: N"; exits 1 when N > 0.

The meta-schema (openrpc-1.4-meta-schema.json next to this file) is a draft-07 JSON Schema whose schema fields
refer to https://meta.json-schema.tools, a draft-07 dialect served on the web. CI must not depend on the network,
so that URI is served here from the draft-07 meta-schema jsonschema ships, plus the one pointer the meta-schema
reaches into it (#/definitions/JSONSchemaObject/properties/$ref).
"""
import json
import sys
from pathlib import Path

import jsonschema_specifications
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
JSON_SCHEMA_TOOLS = "https://meta.json-schema.tools"


def registry():
    draft7 = dict(jsonschema_specifications.REGISTRY["http://json-schema.org/draft-07/schema#"].contents)
    draft7["$id"] = JSON_SCHEMA_TOOLS
    draft7["definitions"] = {**draft7["definitions"], "JSONSchemaObject": {"properties": draft7["properties"]}}
    resource = Resource(contents=draft7, specification=DRAFT7)
    return Registry().with_resources([(JSON_SCHEMA_TOOLS, resource), (JSON_SCHEMA_TOOLS + "/", resource)])


def main():
    document_path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "protocol" / "openrpc.json"
    document = json.loads(document_path.read_text())
    meta_schema = json.loads((HERE / "openrpc-1.4-meta-schema.json").read_text())
    validator = Draft7Validator(meta_schema, registry=registry())
    errors = sorted(validator.iter_errors(document), key=lambda error: [str(part) for part in error.path])
    for error in errors[:20]:
        print("META:", "/".join(map(str, error.path)) or "(root)", error.message[:200])
    print("meta-schema errors:", len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

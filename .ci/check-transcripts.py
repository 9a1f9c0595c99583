#!/usr/bin/env python3
"""Validate every result in protocol/examples/*.expected.jsonl against its method's result schema in openrpc.json.

Usage: check-transcripts.py [EXAMPLES_DIR [OPENRPC_JSON]]   (defaults: protocol/examples, protocol/openrpc.json)
Needs: jsonschema (with referencing), as in .ci/run's .venv. Exits 1 on any violation.

The Swift tests prove the server writes what the transcripts say. This check proves that what they say agrees with the
published schemas, so openrpc.json cannot drift from the server either.

- A response is tied to its method through the request with the same id in <name>.jsonl (ids are unique there).
  Ids are compared as JSON, so 1, 1.0 and "1" are different.
- $ref is resolved inside openrpc.json (a result may be a $ref to #/components/contentDescriptors/..., and its schema
  may $ref #/components/schemas/...).
- Placeholders are wildcards. A violation is ignored when the value it is about is "<<any>>", "<<string>>",
  "<<number>>" or a string containing a ${VARIABLE}. For anyOf/oneOf, it is ignored when some branch fails only on
  such values. Everything around a placeholder is still checked.
- Results of test/* methods (served only with --test-methods, deliberately undocumented) are skipped. A result of any
  other method that openrpc.json does not describe is a violation.
- Every error object must carry data.kind (string) and data.retryable (boolean), as every brickauth error does.
"""
import json
import sys
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parent.parent
DOC_URI = "urn:brickauth:openrpc"
PLACEHOLDERS = {"<<any>>", "<<string>>", "<<number>>"}


def is_wildcard(value):
    return isinstance(value, str) and (value in PLACEHOLDERS or "${" in value)


def is_real(error):
    """Whether a schema violation is real, rather than a placeholder standing in for a value of the right shape."""
    if is_wildcard(error.instance):
        return False
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        if any(not any(is_real(sub) for sub in subs) for subs in branches.values()):
            return False
    return True


def pointer(doc, ref):
    if not ref.startswith("#/"):
        raise SystemExit(f"unsupported $ref {ref!r}: only refs inside openrpc.json are resolved")
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def result_validators(doc):
    """Method name -> a validator for its result, with $refs resolving inside the whole document."""
    registry = Registry().with_resource(DOC_URI, Resource(contents=doc, specification=DRAFT7))
    validators = {}
    for index, method in enumerate(doc.get("methods", [])):
        if "$ref" in method:
            method = pointer(doc, method["$ref"])
        result = method.get("result")
        if result is None:
            continue  # a notification: no result to check
        if "$ref" in result:
            path = result["$ref"][1:]
        else:
            path = f"/methods/{index}/result"
        validators[method["name"]] = Draft7Validator({"$ref": f"{DOC_URI}#{path}/schema"}, registry=registry)
    return validators


def messages(text):
    """The messages of a transcript's input: one per line, or one per Content-Length block (LSP framing)."""
    if not text.startswith("Content-Length:"):
        return text.splitlines()
    data, found = text.encode(), []
    while data.strip():
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:"))
        found.append(rest[:length].decode())
        data = rest[length:]
    return found


def requests_by_id(path):
    """JSON text of each request id in a .jsonl file -> its method; invalid lines are skipped (some are on purpose)."""
    methods, problems = {}, []
    for number, line in enumerate(messages(path.read_bytes().decode()), 1):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        for message in value if isinstance(value, list) else [value]:
            if isinstance(message, dict) and "id" in message and isinstance(message.get("method"), str):
                key = json.dumps(message["id"])
                if key in methods:
                    problems.append(f"{path.name}:{number}: request id {key} is used twice")
                methods[key] = message["method"]
    return methods, problems


def check(examples, openrpc):
    doc = json.loads(openrpc.read_text())
    validators = result_validators(doc)
    problems, checked, skipped = [], 0, 0
    transcripts = sorted(p for p in examples.glob("*.jsonl") if not p.name.endswith(".expected.jsonl"))
    if not transcripts:
        problems.append(f"no transcripts in {examples}")
    for transcript in transcripts:
        expected = transcript.with_name(transcript.name[: -len(".jsonl")] + ".expected.jsonl")
        methods, id_problems = requests_by_id(transcript)
        problems += id_problems
        if not expected.exists():
            problems.append(f"{expected.name}: missing")
            continue
        for number, line in enumerate(expected.read_text().splitlines(), 1):
            if not line.strip():
                continue
            where = f"{expected.name}:{number}"
            try:
                value = json.loads(line)
            except ValueError as error:
                problems.append(f"{where}: not JSON ({error})")
                continue
            for message in value if isinstance(value, list) else [value]:
                if not isinstance(message, dict):
                    problems.append(f"{where}: {json.dumps(message)} is not a message object")
                    continue
                if "error" in message:
                    data = message["error"].get("data") if isinstance(message["error"], dict) else None
                    if not (
                        isinstance(data, dict)
                        and (isinstance(data.get("kind"), str) or is_wildcard(data.get("kind")))
                        and (isinstance(data.get("retryable"), bool) or is_wildcard(data.get("retryable")))
                    ):
                        problems.append(f"{where}: error without data.kind and data.retryable")
                if "result" not in message:
                    continue
                key = json.dumps(message.get("id"))
                method = methods.get(key)
                if method is None:
                    problems.append(f"{where}: result for id {key}, which no request in {transcript.name} has")
                elif method in validators:
                    errors = [e for e in validators[method].iter_errors(message["result"]) if is_real(e)]
                    for error in errors:
                        at = "/".join(str(part) for part in error.absolute_path)
                        problems.append(f"{where}: {method} result /{at}: {error.message}")
                    checked += 1
                elif method.startswith("test/"):
                    skipped += 1
                else:
                    problems.append(f"{where}: {method} has a result but openrpc.json does not describe it")
    for problem in problems:
        print("VIOLATION:", problem)
    print(f"transcripts: {len(transcripts)}, results checked: {checked}, test/* skipped: {skipped}, "
          f"violations: {len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    examples = Path(args[0]) if args else ROOT / "protocol" / "examples"
    openrpc = Path(args[1]) if len(args) > 1 else ROOT / "protocol" / "openrpc.json"
    sys.exit(check(examples, openrpc))

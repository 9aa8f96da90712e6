#!/usr/bin/env python3
"""Writes the query-protocol fixtures of QueryCodecTests from botocore's own serializer and parser.

- models/*.json: the service models the Swift tests load: subsets of botocore's IAM and STS models
  (the operations below and every shape they reach, plus the error shapes), and `features`, a small
  made-up query service with what IAM and STS never use (maps, flattened lists and maps, renamed
  members, list entries and map keys, blobs, floats, timestamps in other formats).
- requests.json: request bodies exactly as botocore's clients put them on the wire (captured by a
  `before-send` hook, so nothing leaves the machine), with the parameters they came from written
  the way Bulwark's documents hold them (timestamps as seconds since 1970, blobs as base64).
- responses.json: answers written the way AWS writes them (and Bulwark must, byte for byte), each
  checked here by botocore's query parser: it must read back exactly the output document; and
  error answers, checked the same way for code, message and type.

Run:  python3 generate.py   (writes the files next to this script)
"""

import base64
import copy
import datetime
import gzip
import json
import os
import shutil
import tempfile
from xml.sax.saxutils import escape

import botocore
import botocore.session
from botocore.model import ServiceModel
from botocore.parsers import create_parser

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
UTC = datetime.timezone.utc

IAM_OPERATIONS = [
    "CreateUser", "GetUser", "ListUsers", "TagUser", "DeleteUser", "CreatePolicy", "ListPolicies",
    "UpdateAccessKey", "SimulateCustomPolicy", "GetAccountAuthorizationDetails", "CreateVirtualMFADevice",
]
STS_OPERATIONS = ["AssumeRole", "GetCallerIdentity", "GetSessionToken"]

FEATURES = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2020-01-01", "endpointPrefix": "features", "protocol": "query", "protocols": ["query"],
        "serviceId": "Features", "signatureVersion": "v4", "uid": "features-2020-01-01",
        "xmlNamespace": "https://features.example.com/doc/2020-01-01/",
    },
    "operations": {
        "PutThing": {
            "name": "PutThing", "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "Thing"},
            "output": {"shape": "Thing", "resultWrapper": "PutThingResult"},
            "errors": [{"shape": "ThingConflict"}],
        },
        "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}},
    },
    "shapes": {
        "Thing": {
            "type": "structure",
            "required": ["Name"],
            "members": {
                "Name": {"shape": "String"},
                "Renamed": {"shape": "String", "locationName": "Alias"},
                "Count": {"shape": "Integer"},
                "Big": {"shape": "Long"},
                "Ratio": {"shape": "Double"},
                "Share": {"shape": "Float"},
                "Enabled": {"shape": "Boolean"},
                "Payload": {"shape": "Blob"},
                "When": {"shape": "Timestamp"},
                "Epoch": {"shape": "EpochTimestamp"},
                "Names": {"shape": "StringList"},
                "Renames": {"shape": "RenamedList"},
                "Flat": {"shape": "StringList", "flattened": True},
                "FlatRenamed": {"shape": "FlatRenamedList"},
                "Parts": {"shape": "PartList"},
                "Labels": {"shape": "LabelMap"},
                "Flags": {"shape": "FlagMap"},
                "Inner": {"shape": "Thing2"},
            },
        },
        "Thing2": {
            "type": "structure",
            "members": {"Depth": {"shape": "Integer"}, "Labels": {"shape": "LabelMap"}, "Parts": {"shape": "PartList"}},
        },
        "Part": {"type": "structure", "members": {"Key": {"shape": "String"}, "Values": {"shape": "StringList"}}},
        "PartList": {"type": "list", "member": {"shape": "Part"}},
        "StringList": {"type": "list", "member": {"shape": "String"}},
        "RenamedList": {"type": "list", "member": {"shape": "String", "locationName": "item"}},
        "FlatRenamedList": {"type": "list", "member": {"shape": "String", "locationName": "Entry"}, "flattened": True},
        "LabelMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
        "FlagMap": {
            "type": "map", "key": {"shape": "String", "locationName": "Name"},
            "value": {"shape": "Boolean", "locationName": "On"}, "flattened": True,
        },
        "ThingConflict": {
            "type": "structure", "members": {"message": {"shape": "String"}},
            "error": {"code": "Conflict", "httpStatusCode": 409, "senderFault": True}, "exception": True,
        },
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Long": {"type": "long"},
        "Double": {"type": "double"},
        "Float": {"type": "float"},
        "Boolean": {"type": "boolean"},
        "Blob": {"type": "blob"},
        "Timestamp": {"type": "timestamp"},
        "EpochTimestamp": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
    },
}


def load(service, version):
    with gzip.open(os.path.join(DATA, service, version, "service-2.json.gz")) as handle:
        return json.load(handle)


def strip_docs(value):
    if isinstance(value, dict):
        return {key: strip_docs(item) for key, item in value.items() if key != "documentation"}
    if isinstance(value, list):
        return [strip_docs(item) for item in value]
    return value


def subset(model, operations):
    """The operations, every shape they reach and every error shape, without documentation."""
    shapes = model["shapes"]
    pending = []
    for name in operations:
        operation = model["operations"][name]
        for part in ("input", "output"):
            if part in operation:
                pending.append(operation[part]["shape"])
        pending += [error["shape"] for error in operation.get("errors", [])]
    pending += [name for name, shape in shapes.items() if shape.get("exception")]
    seen = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        pending += [member["shape"] for member in shape.get("members", {}).values()]
        pending += [shape[key]["shape"] for key in ("member", "key", "value") if key in shape]
    metadata = {key: model["metadata"][key] for key in
                ("apiVersion", "endpointPrefix", "protocol", "protocols", "serviceId", "signatureVersion", "uid",
                 "xmlNamespace")}
    return strip_docs({
        "version": "2.0",
        "metadata": metadata,
        "operations": {name: model["operations"][name] for name in operations},
        "shapes": {name: shapes[name] for name in sorted(seen)},
    })


def sorted_members(model):
    """The model with the members of every structure in name order: the Swift tests read the models
    into dictionaries, which keep no order, and Bulwark writes members in model order."""
    model = copy.deepcopy(model)
    for shape in model["shapes"].values():
        if "members" in shape:
            shape["members"] = dict(sorted(shape["members"].items()))
    return model


MODELS = {
    "iam": sorted_members(subset(load("iam", "2010-05-08"), IAM_OPERATIONS)),
    "sts": sorted_members(subset(load("sts", "2011-06-15"), STS_OPERATIONS)),
    "features": sorted_members(FEATURES),
}

T1 = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
T2 = datetime.datetime(2026, 11, 25, 13, 30, 15, 250000, tzinfo=UTC)
POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'

REQUESTS = [
    ("iam", "CreateUser", {"UserName": "alice", "Path": "/team/",
                           "Tags": [{"Key": "team", "Value": "a+b c=d/e"}, {"Key": "cost center", "Value": "42=x"}]}),
    ("iam", "CreateUser", {"UserName": "bob", "PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    ("iam", "ListUsers", {"PathPrefix": "/", "MaxItems": 10, "Marker": "abc+/="}),
    ("iam", "TagUser", {"UserName": "alice", "Tags": []}),
    ("iam", "CreatePolicy", {"PolicyName": "p", "PolicyDocument": POLICY, "Description": "ünïcødé ✓"}),
    ("iam", "ListPolicies", {"Scope": "Local", "OnlyAttached": True, "PolicyUsageFilter": "PermissionsPolicy"}),
    ("iam", "ListPolicies", {"OnlyAttached": False}),
    ("iam", "UpdateAccessKey", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Inactive"}),
    ("iam", "GetAccountAuthorizationDetails", {"Filter": ["User", "Role", "LocalManagedPolicy"], "MaxItems": 5}),
    ("iam", "SimulateCustomPolicy", {
        "PolicyInputList": [POLICY],
        "ActionNames": ["s3:GetObject", "s3:PutObject"],
        "ResourceArns": ["arn:aws:s3:::bucket/*"],
        "ContextEntries": [
            {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2026-11-25T12:00:00Z"],
             "ContextKeyType": "date"},
            {"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"],
             "ContextKeyType": "boolean"},
        ],
    }),
    ("iam", "GetUser", {}),
    ("sts", "GetCallerIdentity", {}),
    ("sts", "AssumeRole", {
        "RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "session-1", "DurationSeconds": 900,
        "Tags": [{"Key": "project", "Value": "bulwark"}], "TransitiveTagKeys": ["project"],
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}], "SerialNumber": "arn:aws:iam::123456789012:mfa/u",
        "TokenCode": "123456",
    }),
    ("sts", "GetSessionToken", {"DurationSeconds": 3600}),
    ("features", "PutThing", {
        "Name": "thing", "Renamed": "alias", "Count": -3, "Big": 9007199254740993, "Ratio": 0.25, "Share": 1.5,
        "Enabled": False, "Payload": b"\x00\x01binary\xff", "When": T2, "Epoch": T1,
        "Names": ["a", "b", "c"], "Renames": ["x", "y"], "Flat": ["f1", "f2"], "FlatRenamed": ["e1"],
        "Parts": [{"Key": "k1", "Values": ["v1", "v2"]}, {"Key": "k2", "Values": []}],
        "Labels": {"env": "prod", "tier": "web"}, "Flags": {"on": True, "off": False},
        "Inner": {"Depth": 2, "Labels": {"a": "1"}, "Parts": [{"Key": "deep"}]},
    }),
    # botocore sends an empty list as `Names=` and leaves an empty map out.
    ("features", "PutThing", {"Name": "empty lists", "Names": []}),
    ("features", "Ping", {}),
]

RESPONSES = [
    ("iam", "CreateUser", {"User": {
        "Path": "/team/", "UserName": "alice", "UserId": "AIDAEXAMPLE", "Arn": "arn:aws:iam::123456789012:user/team/alice",
        "CreateDate": T1, "Tags": [{"Key": "team", "Value": "<a & b>"}],
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    }}),
    ("iam", "ListUsers", {"Users": [
        {"Path": "/", "UserName": "a", "UserId": "AIDA1", "Arn": "arn:aws:iam::123456789012:user/a", "CreateDate": T1,
         "PasswordLastUsed": T2},
        {"Path": "/", "UserName": "b", "UserId": "AIDA2", "Arn": "arn:aws:iam::123456789012:user/b", "CreateDate": T2},
    ], "IsTruncated": True, "Marker": "next\"page'"}),
    ("iam", "ListUsers", {"Users": [], "IsTruncated": False}),
    ("iam", "CreatePolicy", {"Policy": {
        "PolicyName": "p", "PolicyId": "ANPA1", "Arn": "arn:aws:iam::123456789012:policy/p", "Path": "/",
        "DefaultVersionId": "v1", "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
        "CreateDate": T1, "UpdateDate": T1,
    }}),
    ("iam", "SimulateCustomPolicy", {"EvaluationResults": [{
        "EvalActionName": "s3:GetObject", "EvalResourceName": "*", "EvalDecision": "allowed",
        "MatchedStatements": [{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "none",
                               "StartPosition": {"Line": 1, "Column": 38}, "EndPosition": {"Line": 1, "Column": 92}}],
        "MissingContextValues": [], "EvalDecisionDetails": {"PolicyInputList.1": "allowed"},
    }], "IsTruncated": False}),
    ("iam", "DeleteUser", {}),
    ("sts", "GetCallerIdentity", {"UserId": "AIDAEXAMPLE", "Account": "123456789012",
                                  "Arn": "arn:aws:iam::123456789012:user/alice"}),
    ("sts", "AssumeRole", {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/+=", "SessionToken": "token==",
                        "Expiration": T2},
        "AssumedRoleUser": {"AssumedRoleId": "AROA1:session-1", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/session-1"},
        "PackedPolicySize": 6, "SourceIdentity": "x<y>&z",
    }),
    ("features", "PutThing", {
        "Name": "thing", "Renamed": "alias", "Count": -3, "Big": 9007199254740993, "Ratio": 0.25, "Share": 1.5,
        "Enabled": False, "Payload": b"\x00\x01binary\xff", "When": T2, "Epoch": T1,
        "Names": ["a", "b"], "Renames": ["x"], "Flat": ["f1", "f2"], "FlatRenamed": ["e1", "e2"],
        "Parts": [{"Key": "k1", "Values": ["v1"]}], "Labels": {"env": "prod", "tier": "web"},
        "Flags": {"on": True, "off": False}, "Inner": {"Depth": 2, "Labels": {"a": "1"}},
    }),
    ("features", "Ping", {}),
]

ERRORS = [
    ("iam", "NoSuchEntity", "The user with name alice cannot be found.", 404, "Sender"),
    ("iam", "EntityAlreadyExists", "User with name alice already exists.", 409, "Sender"),
    ("iam", "MalformedPolicyDocument", "Syntax errors in policy: <\"&'>", 400, "Sender"),
    ("iam", "ServiceFailure", "The request processing has failed because of an unknown error.", 500, "Receiver"),
    ("sts", "AccessDenied", "User: arn:aws:iam::123456789012:user/a is not authorized to perform: sts:AssumeRole",
     403, "Sender"),
]
REQUEST_ID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"


def document(value, shape):
    """A parameter or output value in Bulwark's document form."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        return {name: document(item, shape.members[name]) for name, item in value.items()}
    if kind == "list":
        return [document(item, shape.member) for item in value]
    if kind == "map":
        return {key: document(item, shape.value) for key, item in value.items()}
    if kind == "timestamp":
        return value.timestamp()
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


# --- the answers as AWS writes them -------------------------------------------------------------

def xml_scalar(value, shape):
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "iso8601")
        if fmt == "unixTimestamp":
            seconds = value.timestamp()
            return str(int(seconds)) if seconds == int(seconds) else repr(seconds)
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += ".%03d" % (value.microsecond // 1000)
        return text + "Z"
    if kind == "blob":
        return base64.b64encode(value).decode()
    if kind in ("float", "double"):
        return repr(float(value))
    return str(value)


def xml_value(name, value, shape, flattened=False):
    kind = shape.type_name
    if kind == "structure":
        return f"<{name}>{xml_members(value, shape)}</{name}>"
    if kind == "list":
        entry = shape.member.serialization.get("name", "member")
        if flattened:
            entry_name = shape.member.serialization.get("name", name)
            return "".join(xml_value(entry_name, item, shape.member) for item in value)
        return f"<{name}>" + "".join(xml_value(entry, item, shape.member) for item in value) + f"</{name}>"
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries = [xml_value(key_name, key, shape.key) + xml_value(value_name, item, shape.value)
                   for key, item in sorted(value.items())]
        if flattened:
            return "".join(f"<{name}>{entry}</{name}>" for entry in entries)
        return f"<{name}>" + "".join(f"<entry>{entry}</entry>" for entry in entries) + f"</{name}>"
    return f"<{name}>{escape(xml_scalar(value, shape), {chr(34): '&quot;', chr(39): '&apos;'})}</{name}>"


def xml_members(value, shape):
    """The members that are set, in the model's order (maps in key order), as Bulwark writes them."""
    return "".join(xml_member(member, value[member], shape.members[member]) for member in shape.members
                   if member in value)


def xml_member(member, value, shape):
    name = shape.serialization.get("name", member)
    return xml_value(name, value, shape, flattened=bool(shape.serialization.get("flattened")))


def answer(model, operation, output):
    namespace = model.metadata["xmlNamespace"]
    body = f'<{operation.name}Response xmlns="{namespace}">'
    if operation.output_shape is not None:
        wrapper = operation.output_shape.serialization.get("resultWrapper") or f"{operation.name}Result"
        body += f"<{wrapper}>{xml_members(output, operation.output_shape)}</{wrapper}>"
    body += f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></{operation.name}Response>"
    return body


def error_answer(model, code, message, kind):
    namespace = model.metadata["xmlNamespace"]
    return (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{code}</Code>'
            f"<Message>{escape(message, {chr(34): '&quot;', chr(39): '&apos;'})}</Message></Error>"
            f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>")


def normalize(value):
    """botocore's parsed values in document form (datetimes → seconds, bytes → base64)."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def capture_requests(data_dir):
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, data_dir)
    cases = []
    for service, operation_name, params in REQUESTS:
        client = session.create_client(
            service, region_name="us-east-1", endpoint_url="http://localhost:4566",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        captured = {}

        def stop(request, **_):
            captured["body"] = request.body.decode() if isinstance(request.body, bytes) else request.body
            content_type = request.headers.get("Content-Type")
            captured["contentType"] = content_type.decode() if isinstance(content_type, bytes) else content_type
            captured["method"] = request.method
            return botocore.awsrequest.AWSResponse(request.url, 200, {}, None)

        client.meta.events.register("before-send", stop)
        method = getattr(client, botocore.xform_name(operation_name))
        try:
            method(**params)
        except Exception:
            pass  # the empty stand-in answer does not parse; the request was captured before
        model = client.meta.service_model
        operation = model.operation_model(operation_name)
        cases.append({
            "service": service, "operation": operation_name, "method": captured["method"],
            "contentType": captured["contentType"], "body": captured["body"],
            "input": document(params, operation.input_shape) if operation.input_shape else {},
        })
    return cases


def main():
    models_dir = os.path.join(HERE, "models")
    os.makedirs(models_dir, exist_ok=True)
    for name, model in MODELS.items():
        with open(os.path.join(models_dir, f"{name}.json"), "w") as handle:
            json.dump(model, handle, indent=1, sort_keys=True)
            handle.write("\n")

    data_dir = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(data_dir, "features", "2020-01-01"))
        with open(os.path.join(data_dir, "features", "2020-01-01", "service-2.json"), "w") as handle:
            json.dump(MODELS["features"], handle)
        requests = capture_requests(data_dir)
    finally:
        shutil.rmtree(data_dir)

    parser = create_parser("query")
    responses = []
    for service, operation_name, output in RESPONSES:
        model = ServiceModel(copy.deepcopy(MODELS[service]), service_name=service)
        operation = model.operation_model(operation_name)
        body = answer(model, operation, output)
        parsed = parser.parse({"body": body.encode(), "headers": {}, "status_code": 200}, operation.output_shape)
        expected = document(output, operation.output_shape) if operation.output_shape else {}
        assert normalize(parsed) == expected, (operation_name, normalize(parsed), expected)
        assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
        responses.append({"service": service, "operation": operation_name, "output": expected, "xml": body})

    errors = []
    for service, code, message, status, kind in ERRORS:
        model = ServiceModel(copy.deepcopy(MODELS[service]), service_name=service)
        body = error_answer(model, code, message, kind)
        parsed = parser.parse({"body": body.encode(), "headers": {}, "status_code": status}, None)
        assert parsed["Error"] == {"Type": kind, "Code": code, "Message": message}, parsed
        assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
        errors.append({"service": service, "code": code, "message": message, "status": status, "type": kind,
                       "xml": body})

    with open(os.path.join(HERE, "requests.json"), "w") as handle:
        json.dump({"requests": requests}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    with open(os.path.join(HERE, "responses.json"), "w") as handle:
        json.dump({"requestId": REQUEST_ID, "responses": responses, "errors": errors}, handle, indent=1,
                  ensure_ascii=False)
        handle.write("\n")


if __name__ == "__main__":
    main()

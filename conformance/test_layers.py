"""Lambda layers (issue #13 item 3, decision 0036): PublishLayerVersion from a zip or S3, Get/GetByArn,
ListLayers / ListLayerVersions with their filters and paging, DeleteLayerVersion, the version's
policy (Add/Remove/GetLayerVersionPolicy) enforced when a function names the version, and the layers
of a function at /opt — in order, later layers winning, on the Python path and on a provided
runtime's PATH — within AWS's limits (five layers, 250 MB unzipped with the code).

Messages recorded from AWS: "The resource you requested does not exist." (GetLayerVersion of a missing
version), "Layer version <arn> does not exist." (a function naming one), "Function code combined with
layers exceeds the maximum allowed size of 262144000 bytes. The actual size is N bytes.".
"""

from __future__ import annotations

import json
import re
import time
import zlib

import pytest

from support.functions import PYTHON_RUNTIME, create, invoke, wait_until_ready, zip_of
from support.lam import expect_error, role_arn, wait_for
from support.packages import UNZIPPED_LIMIT, RawEntry, code_sha256, deflated_entry, raw_zip
from support.wire import fetch_url
from test_lambda_code_from_s3 import s3_client, trail_event

CREATED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")
NOT_FOUND = "The resource you requested does not exist."


def layer_arn(account: str, name: str) -> str:
    return f"arn:aws:lambda:us-east-1:{account}:layer:{name}"


def stable(answer: dict) -> dict:
    """The answer without what changes from call to call: metadata, the date, the download URL."""
    answer = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    assert CREATED.match(answer.pop("CreatedDate"))
    if "Content" in answer:
        answer["Content"] = dict(answer["Content"])
        assert answer["Content"].pop("Location").startswith("http")
    return answer


def python_layer(files: dict[str, str]) -> bytes:
    return zip_of(files)


def sparse_entry(name: str, size: int) -> RawEntry:
    """`size` bytes that deflate about 25 times: a big file within Lambda's compression-ratio checks."""
    chunk = bytearray(1 << 20)
    for index in range(0, len(chunk), 64):
        chunk[index] = (index * 7919 // 64) % 251 + 1
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    parts, crc, left = [], 0, size
    while left > 0:
        piece = bytes(chunk) if left >= len(chunk) else bytes(chunk[:left])
        parts.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(compressor.flush())
    return RawEntry(name, b"".join(parts), crc, size)


def publish(client, name: str, package: bytes, **parameters) -> dict:
    return client.publish_layer_version(LayerName=name, Content={"ZipFile": package}, **parameters)


# A handler that answers the value of a module it imports from the layers, and what /opt holds.
IMPORTER = """
import os

def handler(event, context):
    import importlib
    module = importlib.import_module(event["module"])
    files = sorted(os.path.relpath(os.path.join(root, name), "/opt") for root, _, names in os.walk("/opt") for name in names)
    writable = os.access("/opt", os.W_OK)
    return {"value": getattr(module, "VALUE", None), "file": getattr(module, "__file__", None), "opt": files, "writable": writable}
"""


def test_publish_get_and_get_by_arn_answer_the_version(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    package = python_layer({"python/greeting.py": "VALUE = 'hello'\n"})
    first = publish(lambda_client, unique_name, package, Description="greetings", LicenseInfo="MIT",
                    CompatibleRuntimes=["python3.12", "python3.13"], CompatibleArchitectures=["x86_64", "arm64"])
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 201
    published = trail_event(bulwark, first["ResponseMetadata"]["RequestId"])
    assert (published["eventName"], published["eventSource"]) == ("PublishLayerVersion20181031", "lambda.amazonaws.com")
    expected = {
        "Content": {"CodeSha256": code_sha256(package), "CodeSize": len(package)},
        "LayerArn": layer_arn(account, unique_name),
        "LayerVersionArn": f"{layer_arn(account, unique_name)}:1",
        "Description": "greetings",
        "Version": 1,
        "CompatibleRuntimes": ["python3.12", "python3.13"],
        "LicenseInfo": "MIT",
        "CompatibleArchitectures": ["x86_64", "arm64"],
    }
    assert stable(first) == expected
    assert stable(lambda_client.get_layer_version(LayerName=unique_name, VersionNumber=1)) == expected
    assert stable(lambda_client.get_layer_version(LayerName=layer_arn(account, unique_name), VersionNumber=1)) == expected
    by_arn = lambda_client.get_layer_version_by_arn(Arn=f"{layer_arn(account, unique_name)}:1")
    assert stable(by_arn) == expected
    # Content.Location downloads the archive.
    download = fetch_url(by_arn["Content"]["Location"])
    assert (download.status, download.body) == (200, package)

    # The next version takes the next number; a version without the optional members shows none of them.
    second = publish(lambda_client, unique_name, python_layer({"python/greeting.py": "VALUE = 'hi'\n"}))
    assert stable(second) == {
        "Content": {"CodeSha256": second["Content"]["CodeSha256"], "CodeSize": second["Content"]["CodeSize"]},
        "LayerArn": layer_arn(account, unique_name),
        "LayerVersionArn": f"{layer_arn(account, unique_name)}:2",
        "Description": "",
        "Version": 2,
    }

    expect_error(lambda: lambda_client.get_layer_version(LayerName=unique_name, VersionNumber=3),
                 "ResourceNotFoundException", 404, NOT_FOUND)
    expect_error(lambda: lambda_client.get_layer_version_by_arn(Arn=f"{layer_arn(account, unique_name)}:9"),
                 "ResourceNotFoundException", 404, NOT_FOUND)
    # Another account's version is judged under its policy: none allows this account (whether it exists or not).
    other = f"{layer_arn('111122223333', unique_name)}:1"
    expect_error(lambda: lambda_client.get_layer_version(LayerName=layer_arn("111122223333", unique_name), VersionNumber=1),
                 "AccessDeniedException", 403,
                 f"User: arn:aws:iam::{account}:root is not authorized to perform: lambda:GetLayerVersion on resource: {other} "
                 "because no resource-based policy allows the lambda:GetLayerVersion action")


def test_the_cli_publishes_from_a_file_and_from_s3(bulwark, tmp_path, unique_name):
    account = bulwark.account_id
    package = python_layer({"python/cli.py": "VALUE = 'cli'\n"})
    path = tmp_path / "layer.zip"
    path.write_bytes(package)
    published = bulwark.aws("lambda", "publish-layer-version", "--layer-name", unique_name, "--zip-file", f"fileb://{path}",
                            "--compatible-runtimes", "python3.12").json
    assert published["Version"] == 1 and published["Content"]["CodeSha256"] == code_sha256(package)

    s3 = s3_client(bulwark)
    bucket = f"layers-{int(time.time() * 1000000) % 10**12}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="layer.zip", Body=package)
    from_s3 = bulwark.aws("lambda", "publish-layer-version", "--layer-name", unique_name,
                          "--content", f"S3Bucket={bucket},S3Key=layer.zip").json
    assert (from_s3["Version"], from_s3["Content"]["CodeSha256"], from_s3["Content"]["CodeSize"]) == (2, code_sha256(package), len(package))
    got = bulwark.aws("lambda", "get-layer-version-by-arn", "--arn", f"{layer_arn(account, unique_name)}:2").json
    assert got["LayerVersionArn"] == f"{layer_arn(account, unique_name)}:2"

    # A missing object is S3's answer, worded by Lambda; nothing is published.
    missing = bulwark.aws("lambda", "publish-layer-version", "--layer-name", unique_name,
                          "--content", f"S3Bucket={bucket},S3Key=none.zip", check=False)
    assert missing.returncode != 0 and "InvalidParameterValueException" in missing.stderr
    assert "Error occurred while GetObject. S3 Error Code: NoSuchKey." in missing.stderr
    listed = bulwark.aws("lambda", "list-layer-versions", "--layer-name", unique_name).json
    assert [version["Version"] for version in listed["LayerVersions"]] == [2, 1]


def test_packages_are_checked_as_function_code_is(lambda_client, unique_name):
    expect_error(lambda: publish(lambda_client, unique_name, b"not a zip at all"), "InvalidParameterValueException", 400)
    escaping = raw_zip([deflated_entry("../escape.txt", b"out")])
    expect_error(lambda: publish(lambda_client, unique_name, escaping), "InvalidParameterValueException", 400)
    expect_error(lambda: lambda_client.publish_layer_version(LayerName=unique_name, Content={}),
                 "InvalidParameterValueException", 400, "Please provide a source for function code.")
    expect_error(lambda: publish(lambda_client, unique_name, python_layer({"a": "b"}), CompatibleRuntimes=["cobol1.0"]),
                 "InvalidParameterValueException", 400, message_prefix="Value cobol1.0 at 'runtime' failed to satisfy constraint")
    # Nothing was published: the first good version is 1.
    assert publish(lambda_client, unique_name, python_layer({"a": "b"}))["Version"] == 1


def test_listing_filters_by_runtime_and_architecture_and_pages(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    names = [f"{unique_name}-a", f"{unique_name}-b"]
    publish(lambda_client, names[0], python_layer({"v": "1"}), CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"])
    publish(lambda_client, names[0], python_layer({"v": "2"}), CompatibleRuntimes=["nodejs20.x"], CompatibleArchitectures=["arm64"])
    publish(lambda_client, names[1], python_layer({"v": "3"}), CompatibleRuntimes=["python3.12"])

    def ours(**filters) -> dict:
        layers, marker = [], None
        while True:
            page = lambda_client.list_layers(MaxItems=1, **filters, **({"Marker": marker} if marker else {}))
            layers += page["Layers"]
            marker = page.get("NextMarker")
            if not marker:
                break
        return {layer["LayerName"]: layer for layer in layers if layer["LayerName"] in names}

    everything = ours()
    assert sorted(everything) == names
    assert everything[names[0]]["LayerArn"] == layer_arn(account, names[0])
    latest = dict(everything[names[0]]["LatestMatchingVersion"])
    assert CREATED.match(latest.pop("CreatedDate"))
    assert latest == {"LayerVersionArn": f"{layer_arn(account, names[0])}:2", "Version": 2, "Description": "",
                      "CompatibleRuntimes": ["nodejs20.x"], "CompatibleArchitectures": ["arm64"]}
    python = ours(CompatibleRuntime="python3.12")
    assert {name: layer["LatestMatchingVersion"]["Version"] for name, layer in python.items()} == {names[0]: 1, names[1]: 1}
    x86 = ours(CompatibleArchitecture="x86_64")
    assert {name: layer["LatestMatchingVersion"]["Version"] for name, layer in x86.items()} == {names[0]: 1}
    assert ours(CompatibleRuntime="python3.12", CompatibleArchitecture="arm64") == {}

    versions = lambda_client.list_layer_versions(LayerName=names[0])["LayerVersions"]
    assert [version["Version"] for version in versions] == [2, 1]
    first_page = lambda_client.list_layer_versions(LayerName=names[0], MaxItems=1)
    assert [version["Version"] for version in first_page["LayerVersions"]] == [2]
    second_page = lambda_client.list_layer_versions(LayerName=names[0], MaxItems=1, Marker=first_page["NextMarker"])
    assert [version["Version"] for version in second_page["LayerVersions"]] == [1] and "NextMarker" not in second_page
    filtered = lambda_client.list_layer_versions(LayerName=names[0], CompatibleRuntime="python3.12")["LayerVersions"]
    assert [version["Version"] for version in filtered] == [1]
    assert lambda_client.list_layer_versions(LayerName=f"{unique_name}-none")["LayerVersions"] == []
    expect_error(lambda: lambda_client.list_layer_versions(LayerName=names[0], Marker="bogus"), "InvalidParameterValueException", 400)


def test_deleted_versions_are_gone_and_their_numbers_never_come_back(lambda_client, unique_name):
    publish(lambda_client, unique_name, python_layer({"v": "1"}))
    publish(lambda_client, unique_name, python_layer({"v": "2"}))
    deleted = lambda_client.delete_layer_version(LayerName=unique_name, VersionNumber=2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda: lambda_client.get_layer_version(LayerName=unique_name, VersionNumber=2), "ResourceNotFoundException", 404, NOT_FOUND)
    # Deleting what does not exist answers 204, as AWS.
    assert lambda_client.delete_layer_version(LayerName=unique_name, VersionNumber=2)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert publish(lambda_client, unique_name, python_layer({"v": "3"}))["Version"] == 3
    lambda_client.delete_layer_version(LayerName=unique_name, VersionNumber=1)
    lambda_client.delete_layer_version(LayerName=unique_name, VersionNumber=3)
    assert lambda_client.list_layer_versions(LayerName=unique_name)["LayerVersions"] == []
    assert unique_name not in [layer["LayerName"] for layer in lambda_client.list_layers()["Layers"]]
    assert publish(lambda_client, unique_name, python_layer({"v": "4"}))["Version"] == 4


def test_the_version_policy_is_added_shown_and_removed(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    publish(lambda_client, unique_name, python_layer({"v": "1"}))
    arn = f"{layer_arn(account, unique_name)}:1"
    expect_error(lambda: lambda_client.get_layer_version_policy(LayerName=unique_name, VersionNumber=1),
                 "ResourceNotFoundException", 404, "No policy is associated with the given resource.")

    added = lambda_client.add_layer_version_permission(
        LayerName=unique_name, VersionNumber=1, StatementId="xaccount", Action="lambda:GetLayerVersion", Principal="210987654321")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    xaccount = {"Sid": "xaccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                "Action": "lambda:GetLayerVersion", "Resource": arn}
    assert json.loads(added["Statement"]) == xaccount
    everyone = bulwark.aws("lambda", "add-layer-version-permission", "--layer-name", unique_name, "--version-number", "1",
                           "--statement-id", "org", "--action", "lambda:GetLayerVersion", "--principal", "*",
                           "--organization-id", "o-t194hfs8cz").json
    org = {"Sid": "org", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion", "Resource": arn,
           "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-t194hfs8cz"}}}
    assert json.loads(everyone["Statement"]) == org

    policy = lambda_client.get_layer_version_policy(LayerName=unique_name, VersionNumber=1)
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default", "Statement": [xaccount, org]}
    assert policy["RevisionId"] == everyone["RevisionId"] != added["RevisionId"]

    expect_error(lambda: lambda_client.add_layer_version_permission(
        LayerName=unique_name, VersionNumber=1, StatementId="xaccount", Action="lambda:GetLayerVersion", Principal="*"),
        "ResourceConflictException", 409,
        "The statement id (xaccount) provided already exists. Please provide a new statement id, or remove the existing statement.")
    expect_error(lambda: lambda_client.add_layer_version_permission(
        LayerName=unique_name, VersionNumber=1, StatementId="stale", Action="lambda:GetLayerVersion", Principal="*",
        RevisionId=added["RevisionId"]), "PreconditionFailedException", 412)
    expect_error(lambda: lambda_client.add_layer_version_permission(
        LayerName=unique_name, VersionNumber=7, StatementId="s", Action="lambda:GetLayerVersion", Principal="*"),
        "ResourceNotFoundException", 404, NOT_FOUND)

    lambda_client.remove_layer_version_permission(LayerName=unique_name, VersionNumber=1, StatementId="xaccount")
    remaining = lambda_client.get_layer_version_policy(LayerName=unique_name, VersionNumber=1)
    assert json.loads(remaining["Policy"])["Statement"] == [org]
    expect_error(lambda: lambda_client.remove_layer_version_permission(LayerName=unique_name, VersionNumber=1, StatementId="xaccount"),
                 "ResourceNotFoundException", 404, "Statement xaccount is not found in resource policy.")


def user_client(bulwark, name: str, statements: list[dict]):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return bulwark.client("lambda", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_naming_a_layer_needs_get_layer_version_which_its_policy_can_grant(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    layer = f"{unique_name}-l"
    publish(lambda_client, layer, python_layer({"python/shared.py": "VALUE = 'shared'\n"}))
    arn = f"{layer_arn(account, layer)}:1"
    deployer = user_client(bulwark, f"{unique_name}-u", [
        {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:GetFunctionConfiguration", "lambda:InvokeFunction"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn(account)},
    ])

    def create_with_layer():
        return deployer.create_function(FunctionName=unique_name, Runtime=PYTHON_RUNTIME, Role=role_arn(account),
                                        Handler="app.handler", Code={"ZipFile": zip_of({"app.py": IMPORTER})}, Layers=[arn])

    refused = expect_error(
        create_with_layer, "AccessDeniedException", 403,
        message_prefix=f"User: arn:aws:iam::{account}:user/{unique_name}-u is not authorized to perform: lambda:GetLayerVersion on resource: {arn}")
    # Audited as CreateFunction's denial, naming the layer version resolved.
    event = trail_event(bulwark, refused.response["ResponseMetadata"]["RequestId"])
    assert (event["eventName"], event["errorCode"]) == ("CreateFunction20150331", "AccessDeniedException")
    assert {"ARN": arn, "accountId": account, "type": "AWS::Lambda::LayerVersion"} in event["resources"]
    # A grant to the account is a delegation to its IAM policies, which do not allow it.
    lambda_client.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="account",
                                               Action="lambda:GetLayerVersion", Principal=account)
    expect_error(create_with_layer, "AccessDeniedException", 403)
    # A grant to everyone lets the deployer use the layer.
    bulwark.aws("lambda", "add-layer-version-permission", "--layer-name", layer, "--version-number", "1",
                "--statement-id", "everyone", "--action", "lambda:GetLayerVersion", "--principal", "*")
    create_with_layer()
    wait_until_ready(lambda_client, unique_name)
    assert invoke(lambda_client, unique_name, {"module": "shared"}).json["value"] == "shared"
    # Removing the grant does not take the layer from the function, as on AWS; a new function is refused.
    lambda_client.remove_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="everyone")
    expect_error(lambda: deployer.create_function(
        FunctionName=f"{unique_name}-2", Runtime=PYTHON_RUNTIME, Role=role_arn(account), Handler="app.handler",
        Code={"ZipFile": zip_of({"app.py": IMPORTER})}, Layers=[arn]), "AccessDeniedException", 403)


def test_a_python_handler_imports_from_its_layers_and_the_later_layer_wins(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    version = PYTHON_RUNTIME.removeprefix("python")
    first = publish(lambda_client, f"{unique_name}-1", python_layer({
        "python/shared.py": "VALUE = 'first'\n",
        "python/only_first.py": "VALUE = 'only first'\n",
        f"python/lib/python{version}/site-packages/sitemod.py": "VALUE = 'site-packages'\n",
    }))["LayerVersionArn"]
    second = publish(lambda_client, f"{unique_name}-2", python_layer({
        "python/shared.py": "VALUE = 'second'\n",
    }))["LayerVersionArn"]
    created = create(bulwark, unique_name, zip_of({"app.py": IMPORTER}), Layers=[first, second])
    assert created["Layers"] == [
        {"Arn": first, "CodeSize": lambda_client.get_layer_version_by_arn(Arn=first)["Content"]["CodeSize"]},
        {"Arn": second, "CodeSize": lambda_client.get_layer_version_by_arn(Arn=second)["Content"]["CodeSize"]},
    ]
    shared = invoke(lambda_client, unique_name, {"module": "shared"}).json
    assert shared == {"value": "second", "file": "/opt/python/shared.py", "writable": False,
                      "opt": [f"python/lib/python{version}/site-packages/sitemod.py", "python/only_first.py", "python/shared.py"]}
    assert invoke(lambda_client, unique_name, {"module": "only_first"}).json["value"] == "only first"
    assert invoke(lambda_client, unique_name, {"module": "sitemod"}).json["value"] == "site-packages"

    # Version 1 keeps its layers; $LATEST takes them in the other order, and the first wins there.
    published = lambda_client.publish_version(FunctionName=unique_name)
    assert published["Layers"] == created["Layers"]
    updated = bulwark.aws("lambda", "update-function-configuration", "--function-name", unique_name,
                          "--layers", second, first).json
    assert [layer["Arn"] for layer in updated["Layers"]] == [second, first]
    wait_for(lambda_client, "function_updated_v2", unique_name)
    assert invoke(lambda_client, unique_name, {"module": "shared"}).json["value"] == "first"
    assert invoke(lambda_client, unique_name, {"module": "shared"}, Qualifier="1").json["value"] == "second"

    # A deleted layer version stays with the functions that use it.
    lambda_client.delete_layer_version(LayerName=f"{unique_name}-2", VersionNumber=1)
    lambda_client.update_function_configuration(FunctionName=unique_name, Description="cold start again")
    wait_for(lambda_client, "function_updated_v2", unique_name)
    assert invoke(lambda_client, unique_name, {"module": "shared"}).json["value"] == "first"
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["Layers"][0]["Arn"] == second

    # An empty list takes the layers away.
    cleared = lambda_client.update_function_configuration(FunctionName=unique_name, Layers=[])
    assert "Layers" not in cleared
    wait_for(lambda_client, "function_updated_v2", unique_name)
    assert invoke(lambda_client, unique_name, {"module": "os"}).json["opt"] == []
    expect_error(lambda: lambda_client.get_function_configuration(FunctionName=unique_name, Qualifier="2"), "ResourceNotFoundException", 404)
    assert lambda_client.get_function_configuration(FunctionName=unique_name, Qualifier="1")["Layers"] == created["Layers"]
    assert first.startswith(layer_arn(account, f"{unique_name}-1"))


BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
    curl -sS -D /tmp/headers -o /tmp/event "$API/invocation/next"
    REQUEST_ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' /tmp/headers | cut -d: -f2- | tr -d ' \\r\\n')
    OUTPUT=$(layer-tool)
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" --data-binary "{\\"output\\":\\"$OUTPUT\\",\\"path\\":\\"$(command -v layer-tool)\\"}"
done
"""


def test_a_provided_bootstrap_runs_a_binary_of_its_layer(bulwark, lambda_client, unique_name):
    tool = zip_of({"bin/layer-tool": "#!/bin/sh\necho from-the-layer\n", "lib/README": "libraries go here\n"},
                  executables=("bin/layer-tool",))
    arn = publish(lambda_client, unique_name, tool, CompatibleRuntimes=["provided.al2023"])["LayerVersionArn"]
    create(bulwark, unique_name, zip_of({"bootstrap": BOOTSTRAP}, executables=("bootstrap",)),
           runtime="provided.al2023", handler="unused", Layers=[arn])
    assert invoke(lambda_client, unique_name, {}).json == {"output": "from-the-layer", "path": "/opt/bin/layer-tool"}


def test_layers_beyond_the_limits_are_refused(bulwark, lambda_client, unique_name):
    account = bulwark.account_id
    arn = publish(lambda_client, unique_name, python_layer({"python/x.py": "VALUE = 1\n"}))["LayerVersionArn"]

    def create_with(layers, package=None):
        return lambda: lambda_client.create_function(
            FunctionName=unique_name, Runtime=PYTHON_RUNTIME, Role=role_arn(account), Handler="app.handler",
            Code={"ZipFile": package or zip_of({"app.py": IMPORTER})}, Layers=layers)

    others = [publish(lambda_client, f"{unique_name}-{index}", python_layer({"i": str(index)}))["LayerVersionArn"] for index in range(5)]
    expect_error(create_with([arn] + others), "InvalidParameterValueException", 400, "Cannot reference more than 5 layers.")
    missing = f"{layer_arn(account, unique_name)}:9"
    expect_error(create_with([arn, missing]), "InvalidParameterValueException", 400, f"Layer version {missing} does not exist.")
    elsewhere = f"{layer_arn('111122223333', unique_name)}:1"
    expect_error(create_with([elsewhere]), "AccessDeniedException", 403,
                 message_prefix=f"User: arn:aws:iam::{account}:root is not authorized to perform: lambda:GetLayerVersion on resource: {elsewhere}")
    second = publish(lambda_client, unique_name, python_layer({"python/x.py": "VALUE = 2\n"}))["LayerVersionArn"]
    expect_error(create_with([arn, second]), "InvalidParameterValueException", 400,
                 message_prefix="Two different versions of the same layer are not allowed to be referenced in the same function.")
    expect_error(create_with(["arn:aws:lambda:us-east-1:123:layer:x:1"]), "ValidationException", 400)

    # Code and layers: 250 MB unzipped together, though each is within it alone.
    big = raw_zip([sparse_entry("data.bin", 150 << 20)])
    big_layer = publish(lambda_client, f"{unique_name}-big", big)
    assert big_layer["Version"] == 1
    code = raw_zip([deflated_entry("app.py", IMPORTER.encode()), sparse_entry("more.bin", 120 << 20)])
    total = (150 << 20) + (120 << 20) + len(IMPORTER.encode())
    assert total > UNZIPPED_LIMIT
    expect_error(create_with([big_layer["LayerVersionArn"]], code), "InvalidParameterValueException", 400,
                 f"Function code combined with layers exceeds the maximum allowed size of {UNZIPPED_LIMIT} bytes. The actual size is {total} bytes.")
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)
    # Nor may a function within the limit take the layer on later.
    create(bulwark, unique_name, code)
    expect_error(lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Layers=[big_layer["LayerVersionArn"]]),
                 "InvalidParameterValueException", 400, message_prefix="Function code combined with layers exceeds")


def test_a_custom_runtime_in_a_layer_runs_code_without_a_bootstrap(bulwark, lambda_client, unique_name):
    runtime = zip_of({"bootstrap": BOOTSTRAP, "bin/layer-tool": "#!/bin/sh\necho runtime-layer\n"},
                     executables=("bootstrap", "bin/layer-tool"))
    arn = publish(lambda_client, unique_name, runtime)["LayerVersionArn"]
    create(bulwark, unique_name, zip_of({"handler.txt": "no bootstrap here"}), runtime="provided.al2023", handler="unused", Layers=[arn])
    assert invoke(lambda_client, unique_name, {}).json == {"output": "runtime-layer", "path": "/opt/bin/layer-tool"}
    # Without the layer, there is no bootstrap to find.
    lambda_client.update_function_configuration(FunctionName=unique_name, Layers=[])
    wait_for(lambda_client, "function_updated_v2", unique_name)
    failed = invoke(lambda_client, unique_name, {})
    assert failed.function_error == "Unhandled"
    assert failed.json["errorType"] == "Runtime.InvalidEntrypoint"
    assert "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" in failed.json["errorMessage"]

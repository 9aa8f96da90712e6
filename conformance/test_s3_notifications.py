"""S3 bucket notifications to Lambda (issue #12; docs/decisions/0042): the configuration as S3 checks it
(events of the model, one prefix and one suffix rule, no overlaps, the function's policy must let
s3.amazonaws.com invoke it for the bucket unless validation is skipped), and each object event delivered as
an `Event` invocation with S3's event record."""

from __future__ import annotations

import json
import time

import pytest

from support.functions import create, log_messages, wait_for, zip_of
from support.lam import expect_error
from test_s3_core import s3_client

RECORDER = "import json\n\ndef handler(event, context):\n    print('EVENT ' + json.dumps(event), flush=True)\n"


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


@pytest.fixture
def inbox(s3, request):
    name = f"inbox{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def recorder(bulwark, unique_name):
    """A function that prints each event it gets, and the ARN S3 invokes."""
    create(bulwark, unique_name, zip_of({"app.py": RECORDER}))
    return unique_name, bulwark.client("lambda").get_function(FunctionName=unique_name)["Configuration"]["FunctionArn"]


def allow_s3(bulwark, function: str, bucket: str) -> None:
    bulwark.aws("lambda", "add-permission", "--function-name", function, "--statement-id", f"s3-{bucket}",
                "--action", "lambda:InvokeFunction", "--principal", "s3.amazonaws.com",
                "--source-arn", f"arn:aws:s3:::{bucket}", "--source-account", bulwark.account_id)


def events(bulwark, function: str) -> list[dict]:
    return [json.loads(line[len("EVENT "):]) for line in log_messages(bulwark, function) if line.startswith("EVENT ")]


def records(bulwark, function: str, count: int) -> list[dict]:
    found = wait_for(lambda: (lambda seen: seen if len(seen) >= count else None)(
        [record for event in events(bulwark, function) for record in event["Records"]]), 20, message=f"{count} event records")
    return found


def configuration(arn: str, events: list[str], identifier: str = "on-upload", **rules) -> dict:
    entry = {"Id": identifier, "LambdaFunctionArn": arn, "Events": events}
    if rules:
        entry["Filter"] = {"Key": {"FilterRules": [{"Name": name, "Value": value} for name, value in rules.items()]}}
    return {"LambdaFunctionConfigurations": [entry]}


def test_an_upload_runs_the_function_with_s3s_event_record(bulwark, s3, inbox, recorder, tmp_path):
    name, arn = recorder
    allow_s3(bulwark, name, inbox)
    document = tmp_path / "n.json"
    document.write_text(json.dumps(configuration(arn, ["s3:ObjectCreated:*"], prefix="in/", suffix=".jpg")))
    bulwark.aws("s3api", "put-bucket-notification-configuration", "--bucket", inbox,
                "--notification-configuration", f"file://{document}")
    shown = bulwark.aws("s3api", "get-bucket-notification-configuration", "--bucket", inbox).json
    assert shown == {"LambdaFunctionConfigurations": [{
        "Id": "on-upload", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"}, {"Name": "Suffix", "Value": ".jpg"}]}}}]}

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    bulwark.aws("s3", "cp", str(photo), f"s3://{inbox}/in/my photo(1).jpg")
    bulwark.aws("s3", "cp", str(photo), f"s3://{inbox}/in/notes.txt")      # the suffix does not match
    bulwark.aws("s3", "cp", str(photo), f"s3://{inbox}/out/photo.jpg")     # the prefix does not match
    [record] = records(bulwark, name, 1)
    for volatile in ("eventTime", "userIdentity", "requestParameters", "responseElements"):
        assert volatile in record
    assert record["eventTime"].endswith("Z") and record["userIdentity"]["principalId"].startswith("AWS:")
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    sequencer = record["s3"]["object"].pop("sequencer")
    assert len(sequencer) >= 16 and all(c in "0123456789ABCDEF" for c in sequencer)
    owner = record["s3"]["bucket"].pop("ownerIdentity")
    assert set(owner) == {"principalId"}
    assert {k: v for k, v in record.items() if k not in ("eventTime", "userIdentity", "requestParameters", "responseElements")} == {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0", "configurationId": "on-upload",
            "bucket": {"name": inbox, "arn": f"arn:aws:s3:::{inbox}"},
            "object": {"key": "in/my+photo%281%29.jpg", "size": photo.stat().st_size,
                       "eTag": s3.head_object(Bucket=inbox, Key="in/my photo(1).jpg")["ETag"].strip('"')},
        },
    }
    time.sleep(1)
    assert len([r for e in events(bulwark, name) for r in e["Records"]]) == 1


def test_copies_multipart_uploads_deletes_and_markers_are_events(bulwark, s3, inbox, recorder):
    name, arn = recorder
    allow_s3(bulwark, name, inbox)
    s3.put_bucket_versioning(Bucket=inbox, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=inbox, NotificationConfiguration={"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
                                              "s3:ObjectRemoved:*", "s3:ObjectTagging:Put"]}]})
    first = s3.put_object(Bucket=inbox, Key="a", Body=b"one")          # Put is not configured
    s3.copy_object(Bucket=inbox, Key="b", CopySource={"Bucket": inbox, "Key": "a"})
    upload = s3.create_multipart_upload(Bucket=inbox, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=inbox, Key="c", UploadId=upload, PartNumber=1, Body=b"part")
    s3.complete_multipart_upload(Bucket=inbox, Key="c", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    s3.put_object_tagging(Bucket=inbox, Key="a", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    marker = s3.delete_object(Bucket=inbox, Key="b")["VersionId"]
    s3.delete_object(Bucket=inbox, Key="a", VersionId=first["VersionId"])
    seen = records(bulwark, name, 5)
    by_name = {(r["eventName"], r["s3"]["object"]["key"]): r["s3"]["object"] for r in seen}
    assert set(by_name) == {("ObjectCreated:Copy", "b"), ("ObjectCreated:CompleteMultipartUpload", "c"),
                            ("ObjectTagging:Put", "a"), ("ObjectRemoved:DeleteMarkerCreated", "b"), ("ObjectRemoved:Delete", "a")}
    assert by_name[("ObjectRemoved:DeleteMarkerCreated", "b")]["versionId"] == marker
    assert by_name[("ObjectRemoved:Delete", "a")]["versionId"] == first["VersionId"]
    assert "size" not in by_name[("ObjectRemoved:Delete", "a")]
    assert by_name[("ObjectCreated:CompleteMultipartUpload", "c")]["size"] == 4
    # The configuration's id was made by S3.
    [entry] = s3.get_bucket_notification_configuration(Bucket=inbox)["LambdaFunctionConfigurations"]
    assert entry["Id"] and {r["s3"]["configurationId"] for r in seen} == {entry["Id"]}


def test_the_functions_policy_must_allow_s3(bulwark, s3, inbox, recorder):
    name, arn = recorder
    wanted = configuration(arn, ["s3:ObjectCreated:Put"])
    error = expect_error(lambda: s3.put_bucket_notification_configuration(Bucket=inbox, NotificationConfiguration=wanted),
                         "InvalidArgument", 400, "Unable to validate the following destination configurations")
    assert (error.response["Error"]["ArgumentName"], error.response["Error"]["ArgumentValue"]) == (
        arn, f"Not authorized to invoke function [{arn}]")
    missing = arn + "-gone"
    expect_error(lambda: s3.put_bucket_notification_configuration(
        Bucket=inbox, NotificationConfiguration=configuration(missing, ["s3:ObjectCreated:Put"])),
        "InvalidArgument", 400, "Unable to validate the following destination configurations")
    assert s3.get_bucket_notification_configuration(Bucket=inbox).get("LambdaFunctionConfigurations") is None
    # Skipped validation stores it; without the permission, events reach nothing.
    s3.put_bucket_notification_configuration(Bucket=inbox, NotificationConfiguration=wanted, SkipDestinationValidation=True)
    s3.put_object(Bucket=inbox, Key="ignored", Body=b"x")
    allow_s3(bulwark, name, inbox)
    s3.put_object(Bucket=inbox, Key="delivered", Body=b"x")
    [record] = records(bulwark, name, 1)
    assert record["s3"]["object"]["key"] == "delivered"
    time.sleep(1)
    assert [r["s3"]["object"]["key"] for e in events(bulwark, name) for r in e["Records"]] == ["delivered"]
    # An empty configuration turns notifications off.
    s3.put_bucket_notification_configuration(Bucket=inbox, NotificationConfiguration={})
    answer = s3.get_bucket_notification_configuration(Bucket=inbox)
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {}


@pytest.mark.parametrize("entry, code, status, message", [
    # An event type outside S3's model fails the model's validation, as every enum does here.
    ({"Events": ["s3:ObjectCreated:Teleported"]}, "MalformedXML", 400,
     "The XML you provided was not well-formed or did not validate against our published schema"),
    ({"Events": []}, "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"),
    ({"Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "a"}, {"Name": "Prefix", "Value": "b"}]}}},
     "InvalidArgument", 400, "Cannot specify more than one prefix rule in a filter."),
    ({"Filter": {"Key": {"FilterRules": [{"Name": "middle", "Value": "a"}]}}},
     "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"),
    ({"Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": "a"}, {"Name": "Suffix", "Value": "b"}]}}},
     "InvalidArgument", 400, "Cannot specify more than one suffix rule in a filter."),
])
def test_bad_configurations_are_refused(bulwark, s3, inbox, recorder, entry, code, status, message):
    _, arn = recorder
    wanted = {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], **entry}
    expect_error(lambda: bulwark.client("s3", validate=False).put_bucket_notification_configuration(
        Bucket=inbox, NotificationConfiguration={"LambdaFunctionConfigurations": [wanted]}, SkipDestinationValidation=True),
        code, status, message)


def test_overlaps_duplicates_and_other_destinations_are_refused(bulwark, s3, inbox, recorder):
    _, arn = recorder

    def put(configuration):
        return lambda: s3.put_bucket_notification_configuration(
            Bucket=inbox, NotificationConfiguration=configuration, SkipDestinationValidation=True)

    overlap = {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "images/"}]}}},
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:Put"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "images/raw/"}]}}},
    ]}
    expect_error(put(overlap), "InvalidArgument", 400,
                 "Configurations overlap. Configurations on the same bucket cannot share a common event type.")
    apart = {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "images/"}]}}},
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "videos/"}]}}},
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectRemoved:*"]},
    ]}
    put(apart)()
    assert len(s3.get_bucket_notification_configuration(Bucket=inbox)["LambdaFunctionConfigurations"]) == 3
    twice = {"LambdaFunctionConfigurations": [
        {"Id": "same", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]},
        {"Id": "same", "LambdaFunctionArn": arn, "Events": ["s3:ObjectRemoved:*"]},
    ]}
    expect_error(put(twice), "InvalidArgument", 400, "Same ID used for multiple configurations")
    topic = {"TopicConfigurations": [{"TopicArn": f"arn:aws:sns:us-east-1:{bulwark.account_id}:t", "Events": ["s3:ObjectCreated:*"]}]}
    expect_error(put(topic), "NotImplemented", 501, "Bulwark does not deliver S3 event notifications to SNS topics yet.")


def test_setting_notifications_needs_s3_put_bucket_notification(bulwark, inbox, recorder, unique_name):
    _, arn = recorder
    iam = bulwark.client("iam")
    user = unique_name.replace("_", "-")[-64:]
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetBucketNotification", "Resource": f"arn:aws:s3:::{inbox}"}]}))
    client = s3_client(bulwark, key["AccessKeyId"], key["SecretAccessKey"])
    expect_error(lambda: client.put_bucket_notification_configuration(
        Bucket=inbox, NotificationConfiguration=configuration(arn, ["s3:ObjectCreated:*"]), SkipDestinationValidation=True),
        "AccessDenied", 403)
    assert "LambdaFunctionConfigurations" not in wait_for(
        lambda: client.get_bucket_notification_configuration(Bucket=inbox), 10, message="an answer")


def test_a_bucket_keeps_at_most_100_configurations(bulwark, s3, inbox, recorder):
    _, arn = recorder
    many = {"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": f"p{n:03}/"}]}}} for n in range(101)]}
    error = expect_error(lambda: s3.put_bucket_notification_configuration(
        Bucket=inbox, NotificationConfiguration=many, SkipDestinationValidation=True),
        "InvalidArgument", 400, "Bulwark accepts at most 100 notification configurations per bucket.")
    assert error.response["Error"]["ArgumentValue"] == "101"
    many["LambdaFunctionConfigurations"].pop()
    s3.put_bucket_notification_configuration(Bucket=inbox, NotificationConfiguration=many, SkipDestinationValidation=True)
    assert len(s3.get_bucket_notification_configuration(Bucket=inbox)["LambdaFunctionConfigurations"]) == 100

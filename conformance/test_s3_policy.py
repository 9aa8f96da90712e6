"""S3 bucket policies, Block Public Access, Object Ownership and tags (issue #12, decision 0031), with boto3
and the aws CLI. Whole answers are compared, minus volatile fields (ResponseMetadata, dates, ids)."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from test_s3_core import error_of, s3_client


@pytest.fixture
def s3(bulwark):
    return s3_client(bulwark)


@pytest.fixture
def bucket(s3, request):
    name = f"p{int(time.time() * 1000000) % 10**12}-{abs(hash(request.node.name)) % 10**6}"
    s3.create_bucket(Bucket=name)
    yield name
    # The owner's root may always remove the policy, whatever it denies.
    s3.delete_bucket_policy(Bucket=name)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect, principal, action, resource, condition=None):
    entry = {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        entry["Condition"] = condition
    return entry


def user_client(bulwark, name, identity_policy=None):
    iam = bulwark.client("iam")
    iam.create_user(UserName=name)
    if identity_policy:
        iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps(identity_policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return s3_client(bulwark, key["AccessKeyId"], key["SecretAccessKey"])


ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def caller_arn(bulwark):
    return bulwark.client("sts").get_caller_identity()["Arn"]


def test_bucket_policy_round_trip(s3, bucket, bulwark):
    error, status = error_of(lambda: s3.get_bucket_policy(Bucket=bucket))
    assert (error, status) == (
        {"Code": "NoSuchBucketPolicy", "Message": "The bucket policy does not exist", "BucketName": bucket}, 404)
    text = policy(statement("Allow", {"AWS": f"arn:aws:iam::{bulwark.account_id}:root"}, "s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    # 204, as the API reference answers (the model binds no status).
    assert s3.put_bucket_policy(Bucket=bucket, Policy=text)["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_policy(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == {"Policy": text}
    status = s3.get_bucket_policy_status(Bucket=bucket)
    status.pop("ResponseMetadata")
    assert status == {"PolicyStatus": {"IsPublic": False}}
    assert s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    error, status = error_of(lambda: s3.get_bucket_policy(Bucket=bucket))
    assert (error["Code"], status) == ("NoSuchBucketPolicy", 404)
    # The CLI reads the same answer.
    bulwark.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", text)
    assert bulwark.aws("s3api", "get-bucket-policy", "--bucket", bucket).json == {"Policy": text}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda b, a: "[]", "Policies must be valid JSON and the first byte must be '{'"),
        (lambda b, a: '{"Version": "2012-10-17", "Statement": [', "This policy contains invalid Json"),
        (lambda b, a: json.dumps({"Version": "2012-10-17"}), "Missing required field Statement"),
        (lambda b, a: json.dumps({"Version": "2012-10-17", "Statement": []}), "Could not parse the policy: Statement is empty!"),
        (lambda b, a: json.dumps({"Version": "2011-01-01", "Statement": [statement("Allow", {"AWS": a}, "s3:GetObject", f"arn:aws:s3:::{b}/*")]}),
         "The policy must contain a valid version string"),
        (lambda b, a: policy(statement("Allow", {"AWS": a}, "s3:GetObject", "arn:aws:s3:::another-bucket/*")), "Policy has invalid resource"),
        (lambda b, a: policy(statement("Allow", {"AWS": a}, "s3:GetObject", "*")), "Policy has invalid resource"),
        (lambda b, a: policy(statement("Allow", {"AWS": a}, "s3:Fly", f"arn:aws:s3:::{b}/*")), "Policy has invalid action"),
        (lambda b, a: policy(statement("Allow", {"AWS": a}, "s3:PutObject", f"arn:aws:s3:::{b}")),
         "Action does not apply to any resource(s) in statement"),
        (lambda b, a: policy(statement("Allow", {"AWS": a}, "iam:CreateUser", f"arn:aws:s3:::{b}")), "Policy has invalid action"),
        (lambda b, a: policy(statement("Allow", {"AWS": a.replace(":root", ":user/nobody-here")}, "s3:GetObject", f"arn:aws:s3:::{b}/*")),
         "Invalid principal in policy"),
        (lambda b, a: policy(statement("Allow", {"AWS": "not-a-principal"}, "s3:GetObject", f"arn:aws:s3:::{b}/*")),
         "Invalid principal in policy"),
        (lambda b, a: policy(*[statement("Allow", {"AWS": a}, "s3:GetObject", f"arn:aws:s3:::{b}/k{i:04d}" + "x" * 200) for i in range(90)]),
         "Policy exceeds the maximum allowed document size."),
    ],
)
def test_malformed_policies(s3, bucket, bulwark, make, message):
    root = f"arn:aws:iam::{bulwark.account_id}:root"
    error, status = error_of(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=make(bucket, root)))
    assert (error, status) == ({"Code": "MalformedPolicy", "Message": message}, 400)
    error, status = error_of(lambda: s3.get_bucket_policy(Bucket=bucket))
    assert error["Code"] == "NoSuchBucketPolicy"


def test_policy_denying_one_user(s3, bucket, bulwark):
    stamp = int(time.time() * 1000)
    alice, bob = f"alice-{stamp}", f"bob-{stamp}"
    alice_s3 = user_client(bulwark, alice, ALLOW_S3)
    bob_s3 = user_client(bulwark, bob, ALLOW_S3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret")
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        statement("Deny", {"AWS": f"arn:aws:iam::{bulwark.account_id}:user/{alice}"}, ["s3:GetObject", "s3:DeleteObject"],
                  f"arn:aws:s3:::{bucket}/*")))
    error, status = error_of(lambda: alice_s3.get_object(Bucket=bucket, Key="k"))
    assert (error, status) == ({
        "Code": "AccessDenied",
        "Message": f"User: arn:aws:iam::{bulwark.account_id}:user/{alice} is not authorized to perform: s3:GetObject on resource: "
                   f"\"arn:aws:s3:::{bucket}/k\" with an explicit deny in a resource-based policy",
    }, 403)
    assert bob_s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret"
    # DeleteObjects judges each key under the bucket policy too.
    answer = alice_s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert answer["Errors"] == [{"Key": "k", "Code": "AccessDenied", "Message": "Access Denied"}]
    assert s3.head_object(Bucket=bucket, Key="k")["ContentLength"] == 6
    # Removing the policy lets her in again: never judged on a stale policy.
    s3.delete_bucket_policy(Bucket=bucket)
    assert alice_s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret"


def test_policy_allows_a_user_without_identity_policy(s3, bucket, bulwark):
    carol = f"carol-{int(time.time() * 1000)}"
    carol_s3 = user_client(bulwark, carol)
    s3.put_object(Bucket=bucket, Key="shared", Body=b"1")
    error, _ = error_of(lambda: carol_s3.get_object(Bucket=bucket, Key="shared"))
    assert error["Code"] == "AccessDenied"
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        statement("Allow", {"AWS": f"arn:aws:iam::{bulwark.account_id}:user/{carol}"}, "s3:GetObject", f"arn:aws:s3:::{bucket}/shared")))
    assert carol_s3.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"1"
    error, _ = error_of(lambda: carol_s3.put_object(Bucket=bucket, Key="shared", Body=b"2"))
    assert error["Code"] == "AccessDenied"


def test_deny_for_the_account_root_and_secure_transport(s3, bucket, bulwark):
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    root = f"arn:aws:iam::{bulwark.account_id}:root"
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        statement("Deny", {"AWS": root}, "s3:GetObject", f"arn:aws:s3:::{bucket}/*"),
        statement("Deny", "*", "s3:PutObject", f"arn:aws:s3:::{bucket}/*", {"Bool": {"aws:SecureTransport": "false"}}),
        statement("Deny", "*", ["s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy"], f"arn:aws:s3:::{bucket}"),
    ))
    arn = caller_arn(bulwark)
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="k"))
    assert (error, status) == ({
        "Code": "AccessDenied",
        "Message": f"User: {arn} is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::{bucket}/k\" "
                   "with an explicit deny in a resource-based policy",
    }, 403)
    # Plain HTTP: aws:SecureTransport is false.
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k2", Body=b"1"))
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    # The server's first key is the account root's, which manages the policy whatever it says (S3's lockout protection).
    assert arn == root
    assert "s3:GetObject" in s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"1"


def test_policy_management_denied_to_users(s3, bucket, bulwark):
    dave_s3 = user_client(bulwark, f"dave-{int(time.time() * 1000)}", ALLOW_S3)
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        statement("Deny", "*", ["s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy"], f"arn:aws:s3:::{bucket}")))
    for call in [lambda: dave_s3.get_bucket_policy(Bucket=bucket), lambda: dave_s3.delete_bucket_policy(Bucket=bucket)]:
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
        assert "with an explicit deny in a resource-based policy" in error["Message"]
    assert "s3:DeleteBucketPolicy" in s3.get_bucket_policy(Bucket=bucket)["Policy"]


def test_public_policy_refused_by_default(s3, bucket, bulwark):
    public = policy(statement("Allow", "*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    block = s3.get_public_access_block(Bucket=bucket)
    block.pop("ResponseMetadata")
    assert block == {"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}
    error, status = error_of(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=public))
    assert (error, status) == ({
        "Code": "AccessDenied",
        "Message": f"User: {caller_arn(bulwark)} is not authorized to perform: s3:PutBucketPolicy on resource: "
                   f"\"arn:aws:s3:::{bucket}\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
    }, 403)
    # Pinned to an account, the same grant is not public.
    pinned = policy(statement("Allow", "*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*",
                              {"StringEquals": {"aws:PrincipalAccount": bulwark.account_id}}))
    s3.put_bucket_policy(Bucket=bucket, Policy=pinned)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    assert s3.delete_public_access_block(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    error, status = error_of(lambda: s3.get_public_access_block(Bucket=bucket))
    assert (error, status) == ({
        "Code": "NoSuchPublicAccessBlockConfiguration", "Message": "The public access block configuration was not found",
        "BucketName": bucket}, 404)
    s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}
    # Only BlockPublicPolicy given: the other settings are false.
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
    # An existing public policy stays; a new one is refused.
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == public
    error, status = error_of(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=public))
    assert (error["Code"], status) == ("AccessDenied", 403)


def test_policy_gone_with_its_bucket(s3, bulwark):
    name = f"gone-{int(time.time() * 1000)}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=policy(statement("Deny", "*", "s3:PutObject", f"arn:aws:s3:::{name}/*")))
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    s3.delete_public_access_block(Bucket=name)
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    try:
        error, _ = error_of(lambda: s3.get_bucket_policy(Bucket=name))
        assert error["Code"] == "NoSuchBucketPolicy"
        error, _ = error_of(lambda: s3.get_bucket_tagging(Bucket=name))
        assert error["Code"] == "NoSuchTagSet"
        assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
        s3.put_object(Bucket=name, Key="k", Body=b"1")
        s3.delete_object(Bucket=name, Key="k")
    finally:
        s3.delete_bucket(Bucket=name)


def test_ownership_controls_and_acls(s3, bucket, bulwark):
    got = s3.get_bucket_ownership_controls(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    error, status = error_of(lambda: s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}))
    assert (error["Code"], status) == ("NotImplemented", 501)
    owner = s3.list_buckets()["Owner"]["ID"]
    acl = s3.get_bucket_acl(Bucket=bucket)
    acl.pop("ResponseMetadata")
    expected = {"Owner": {"ID": owner}, "Grants": [{"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]}
    assert acl == expected
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=expected)
    for call in [
        lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read"),
        lambda: s3.put_bucket_acl(Bucket=bucket, GrantRead="uri=http://acs.amazonaws.com/groups/global/AllUsers"),
        lambda: s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": {"ID": owner}, "Grants": expected["Grants"] + [
            {"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers", "Type": "Group"}, "Permission": "READ"}]}),
    ]:
        error, status = error_of(call)
        assert (error, status) == ({"Code": "AccessControlListNotSupported", "Message": "The bucket does not allow ACLs"}, 400)
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    object_acl = s3.get_object_acl(Bucket=bucket, Key="k")
    object_acl.pop("ResponseMetadata")
    assert object_acl == expected
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="bucket-owner-full-control")
    error, status = error_of(lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read"))
    assert (error["Code"], status) == ("AccessControlListNotSupported", 400)
    error, status = error_of(lambda: s3.get_object_acl(Bucket=bucket, Key="missing"))
    assert (error["Code"], status) == ("NoSuchKey", 404)


def test_bucket_tagging(s3, bucket):
    error, status = error_of(lambda: s3.get_bucket_tagging(Bucket=bucket))
    assert (error, status) == ({"Code": "NoSuchTagSet", "Message": "The TagSet does not exist", "BucketName": bucket}, 404)
    tags = [{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "prod"}]
    assert s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_tagging(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == {"TagSet": sorted(tags, key=lambda t: t["Key"])}
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    error, _ = error_of(lambda: s3.get_bucket_tagging(Bucket=bucket))
    assert error["Code"] == "NoSuchTagSet"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(50)]})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50


@pytest.mark.parametrize(
    "tags, message",
    [
        ([{"Key": "k" * 129, "Value": "v"}], "The TagKey you have provided is too long, max 128"),
        ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is too long, max 256"),
        ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}], "Cannot provide multiple Tags with the same key"),
        ([{"Key": "a*b", "Value": "1"}], "The TagKey you have provided is invalid"),
        ([{"Key": "k", "Value": "a#b"}], "The TagValue you have provided is invalid"),
        ([{"Key": "aws:reserved", "Value": "1"}], "Your TagKey cannot be prefixed with aws:"),
    ],
)
def test_object_tag_limits(s3, bucket, tags, message):
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    error, status = error_of(lambda: s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": tags}))
    assert (error, status) == ({"Code": "InvalidTag", "Message": message}, 400)
    error, status = error_of(lambda: s3.put_object_tagging(
        Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}))
    assert (error, status) == ({"Code": "BadRequest", "Message": "Object tags cannot be greater than 10"}, 400)
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


def test_bucket_tag_limit(s3, bucket):
    error, status = error_of(lambda: s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]}))
    assert (error, status) == ({"Code": "BadRequest", "Message": "Bucket tag count cannot be greater than 50"}, 400)
    error, status = error_of(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "v"}]}))
    assert (error, status) == ({"Code": "InvalidTag", "Message": "System tags cannot be added/updated by requester"}, 400)


def test_object_tags_go_with_the_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="team=blue&note=a%20b")
    got = s3.get_object_tagging(Bucket=bucket, Key="k")
    got.pop("ResponseMetadata")
    assert got == {"TagSet": [{"Key": "note", "Value": "a b"}, {"Key": "team", "Value": "blue"}]}
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    assert s3.head_object(Bucket=bucket, Key="k")["TagCount"] == 2
    put = s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "only", "Value": "1"}]})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "only", "Value": "1"}]
    # An overwrite replaces the tags.
    s3.put_object(Bucket=bucket, Key="k", Body=b"2")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"3", Tagging="a=1")
    assert s3.delete_object_tagging(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    # A delete removes them: the key written again has none.
    s3.put_object(Bucket=bucket, Key="k", Body=b"4", Tagging="a=1")
    s3.delete_object(Bucket=bucket, Key="k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"5")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    error, status = error_of(lambda: s3.get_object_tagging(Bucket=bucket, Key="missing"))
    assert (error["Code"], status) == ("NoSuchKey", 404)
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="&".join(f"k{i}=v" for i in range(11))))
    assert (error, status) == ({"Code": "BadRequest", "Message": "Object tags cannot be greater than 10"}, 400)
    # The refused upload left the object as it was.
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"5"


def test_object_tag_condition_keys(s3, bucket, bulwark):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"1", Tagging="class=secret")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"2")
    s3.put_bucket_policy(Bucket=bucket, Policy=policy(
        statement("Deny", "*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*", {"StringEquals": {"s3:ExistingObjectTag/class": "secret"}}),
        statement("Deny", "*", "s3:PutObject", f"arn:aws:s3:::{bucket}/*",
                  {"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": "forbidden"}}),
    ))
    error, status = error_of(lambda: s3.get_object(Bucket=bucket, Key="secret"))
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert s3.get_object(Bucket=bucket, Key="plain")["Body"].read() == b"2"
    error, status = error_of(lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"1", Tagging="forbidden=1"))
    assert (error["Code"], status) == ("AccessDenied", 403)
    s3.put_object(Bucket=bucket, Key="new", Body=b"1", Tagging="allowed=1")
    # Retagging changes what the policy sees on the next call.
    s3.delete_object_tagging(Bucket=bucket, Key="secret")
    assert s3.get_object(Bucket=bucket, Key="secret")["Body"].read() == b"1"


def test_cli_tagging_and_public_access_block(bulwark, bucket):
    bulwark.aws("s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "TagSet=[{Key=a,Value=1}]")
    assert bulwark.aws("s3api", "get-bucket-tagging", "--bucket", bucket).json == {"TagSet": [{"Key": "a", "Value": "1"}]}
    assert bulwark.aws("s3api", "get-public-access-block", "--bucket", bucket).json == {"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}
    refused = bulwark.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                          policy(statement("Allow", "*", "s3:GetObject", f"arn:aws:s3:::{bucket}/*")), check=False)
    assert refused.returncode != 0 and "because public policies are blocked" in refused.stderr

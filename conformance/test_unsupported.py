"""What Bulwark does not do yet is said plainly, never faked: model operations it lacks answer HTTP
501 NotImplemented, settings of features it lacks are refused with InvalidParameterValueException
("Bulwark does not support ... yet."), and paths outside the model are unknown operations.
"""

from __future__ import annotations

from xml.etree import ElementTree

import botocore.loaders
import pytest
from botocore.exceptions import ClientError

from support.lam import create_function, expect_error
from support.packages import hello_zip
from support.wire import send_signed

UNSUPPORTED = r"Bulwark does not support .+ yet\."


@pytest.mark.parametrize("operation, arguments, name", [
    ("put_provisioned_concurrency_config",
     {"FunctionName": "{name}", "Qualifier": "1", "ProvisionedConcurrentExecutions": 1}, "PutProvisionedConcurrencyConfig"),
    ("get_provisioned_concurrency_config", {"FunctionName": "{name}", "Qualifier": "live"}, "GetProvisionedConcurrencyConfig"),
    ("list_event_source_mappings", {}, "ListEventSourceMappings"),
])
def test_model_operation_without_implementation_answers_501(bulwark, lambda_client, unique_name, operation, arguments, name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    filled = {key: value.format(name=unique_name) if isinstance(value, str) else value for key, value in arguments.items()}

    error = expect_error(lambda: getattr(lambda_client, operation)(**filled), "NotImplemented", 501)

    message = error.response["Error"]["Message"]
    assert "Bulwark" in message and name in message, message


def test_unimplemented_operation_changes_nothing(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(lambda: lambda_client.put_provisioned_concurrency_config(
        FunctionName=unique_name, Qualifier="1", ProvisionedConcurrentExecutions=1), "NotImplemented", 501)
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["RevisionId"] == created["RevisionId"]


def test_path_outside_the_model_is_an_unknown_operation(bulwark):
    key, secret = bulwark.admin_key
    answer = send_signed(bulwark.endpoint, "GET", "/2015-03-31/no-such-resource/here", key, secret)
    assert answer.status == 404
    assert answer.error_type == "UnknownOperationException"


@pytest.mark.parametrize("setting", [
    {"VpcConfig": {"SubnetIds": ["subnet-0123456789abcdef0"], "SecurityGroupIds": ["sg-0123456789abcdef0"]}},
    {"TracingConfig": {"Mode": "Active"}},
    {"DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dead-letters"}},
    {"FileSystemConfigs": [{"Arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0", "LocalMountPath": "/mnt/efs"}]},
], ids=lambda setting: next(iter(setting)))
def test_unsupported_feature_is_refused_on_create(bulwark, lambda_client, unique_name, setting):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, **setting),
        "InvalidParameterValueException", 400, message_pattern=UNSUPPORTED,
    )
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


@pytest.mark.parametrize("setting", [
    {"VpcConfig": {"SubnetIds": ["subnet-0123456789abcdef0"], "SecurityGroupIds": ["sg-0123456789abcdef0"]}},
    {"TracingConfig": {"Mode": "Active"}},
], ids=lambda setting: next(iter(setting)))
def test_unsupported_feature_is_refused_on_update_and_nothing_changes(bulwark, lambda_client, unique_name, setting):
    created = create_function(lambda_client, bulwark.account_id, unique_name)

    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=7, **setting),
        "InvalidParameterValueException", 400, message_pattern=UNSUPPORTED,
    )

    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["Timeout"], after["RevisionId"]) == (created["Timeout"], created["RevisionId"])


def test_empty_settings_of_unsupported_features_are_accepted(bulwark, lambda_client, unique_name):
    """An empty VpcConfig or layer list is what every function has; clients such as Terraform send them."""
    created = create_function(
        lambda_client, bulwark.account_id, unique_name,
        VpcConfig={"SubnetIds": [], "SecurityGroupIds": []}, Layers=[], Publish=False,
        TracingConfig={"Mode": "PassThrough"},
    )
    assert created["FunctionName"] == unique_name
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["TracingConfig"] == {"Mode": "PassThrough"}


SERVED = "Lambda, IAM, STS, KMS, Secrets Manager, S3, CloudWatch Logs, CloudTrail, CloudWatch, signer"  # botocore's serviceId of each model


@pytest.mark.parametrize("service, signing_name, operation", [
    ("ec2", "ec2", "describe_instances"),          # ec2 protocol
    ("cloudfront", "cloudfront", "list_distributions"),  # rest-xml
    ("route53", "route53", "list_hosted_zones"),   # rest-xml
    ("sns", "sns", "list_topics"),                 # query
    ("dynamodb", "dynamodb", "list_tables"),       # json
    ("sqs", "sqs", "list_queues"),                 # json
    ("gamelift", "gamelift", "list_fleets"),       # smithy-rpc-v2-cbor first in its model; botocore sends json
    ("apigateway", "apigateway", "get_rest_apis"), # rest-json
])
def test_a_service_bulwark_does_not_serve_answers_in_its_own_protocol(bulwark, service, signing_name, operation):
    with pytest.raises(ClientError) as info:
        getattr(bulwark.client(service), operation)()
    answer = info.value.response
    assert answer["Error"]["Code"] == "NotImplemented"
    assert answer["Error"]["Message"] == f"Bulwark does not serve the AWS service '{signing_name}'; it serves {SERVED}."
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert answer["ResponseMetadata"]["RequestId"]


def _xml_services() -> list[tuple[str, str, str]]:
    """(service, signing name, protocol) of every botocore service that speaks query, ec2 or rest-xml."""
    loader = botocore.loaders.create_loader()
    found = []
    for name in loader.list_available_services("service-2"):
        metadata = loader.load_service_model(name, "service-2")["metadata"]
        protocols = metadata.get("protocols", [metadata["protocol"]])
        signing = metadata.get("signingName", metadata["endpointPrefix"])
        xml = [protocol for protocol in protocols if protocol in ("query", "ec2", "rest-xml")]
        # S3 is served, and S3 Control signs as s3 too; CloudWatch (monitoring) is served, query among its protocols.
        if xml and signing not in ("iam", "sts", "s3", "monitoring"):
            found.append((name, signing, xml[0]))
    return found


def test_every_xml_service_of_botocore_is_refused_in_xml(bulwark):
    """Requests as older SDKs send them (no X-Amz-Target, no smithy-protocol header): each service whose
    models speak an XML protocol gets an XML error its parser reads."""
    key, secret = bulwark.admin_key
    services = _xml_services()
    assert len(services) >= 18
    for name, signing, protocol in services:
        if protocol == "rest-xml":
            answer = send_signed(bulwark.endpoint, "GET", "/", key, secret, service=signing)
        else:
            body = b"Action=DescribeThings&Version=2010-01-01"
            answer = send_signed(bulwark.endpoint, "POST", "/", key, secret, body=body, service=signing,
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        assert answer.status == 501, (name, answer.status, answer.body)
        root = ElementTree.fromstring(answer.body)
        codes = [element.text for element in root.iter() if element.tag.endswith("Code")]
        assert codes == ["NotImplemented"], (name, answer.body)
        expected_root = {"ec2": "Response", "query": "ErrorResponse", "rest-xml": "Error"}[protocol]
        assert root.tag == expected_root, (name, root.tag)

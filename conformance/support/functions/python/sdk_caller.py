"""A python3.x handler that calls Bulwark with the SDK the runtime provides, as a function in AWS would:
no endpoint, credentials or region in its code. The event names the calls ({"calls": ["identity", ...]});
"secret:<id>" reads that secret's value from Secrets Manager.
"""

import os

import boto3
from botocore.exceptions import ClientError


def _outcome(call):
    try:
        return {"ok": call()}
    except ClientError as error:
        return {"error": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]}


CALLS = {
    "identity": lambda: boto3.client("sts").get_caller_identity()["Arn"],
    "list_functions": lambda: len(boto3.client("lambda").list_functions()["Functions"]),
    "get_account_settings": lambda: boto3.client("lambda").get_account_settings()["AccountLimit"]["ConcurrentExecutions"],
    "list_users": lambda: len(boto3.client("iam").list_users()["Users"]),
}


def _call(name):
    if name.startswith("secret:"):
        return lambda: boto3.client("secretsmanager").get_secret_value(SecretId=name[len("secret:"):])["SecretString"]
    return CALLS[name]


def handler(event, context):
    return {
        "calls": {name: _outcome(_call(name)) for name in event.get("calls", [])},
        "key_id": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        "has_session_token": bool(os.environ.get("AWS_SESSION_TOKEN")),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL", ""),
    }

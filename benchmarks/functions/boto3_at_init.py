"""A python function that imports boto3 and builds a client at init, as real functions do
(the cold-start benchmark's third case)."""

import boto3

client = boto3.client("lambda")


def handler(event, context):
    return {}

"""Deployment packages: Lambda's size limits and the archives a safe server must refuse.

AWS's wording (recorded against AWS, LocalStack test_lambda_api.snapshot.json, TestLambdaSizeLimits
and test_create_lambda_exceptions): not a zip → InvalidParameterValueException "Could not unzip
uploaded file. ..."; more than 250 MB unzipped → InvalidParameterValueException "Unzipped size must
be smaller than 262144000 bytes"; more than 50 MB zipped in the request → 413
RequestEntityTooLargeException "Zipped size must be smaller than 52428800 bytes".

Zip slip, symlinks out of the package and bombs have no AWS wording to match: the issue asks that
they be refused as invalid parameters, and that the function stays as it was.
"""

from __future__ import annotations

import pytest

from support import packages
from support.lam import create_function, expect_error
from support.packages import code_sha256, hello_zip

HOSTILE = {
    "zip slip": packages.zip_slip,
    "absolute path": packages.absolute_path_zip,
    "symlink out of the package": packages.symlink_out_zip,
    "symlink to an absolute path": packages.symlink_absolute_zip,
    "bomb with lying sizes": packages.lying_sizes_zip,
    "bomb of overlapping entries": packages.overlapping_entries_zip,
}


def test_not_a_zip_is_refused(bulwark, lambda_client, unique_name):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, packages.not_a_zip()),
        "InvalidParameterValueException", 400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_package_is_refused_on_create(bulwark, lambda_client, unique_name, kind):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, HOSTILE[kind]()),
        "InvalidParameterValueException", 400,
    )
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)


@pytest.mark.parametrize("kind", ["zip slip", "symlink out of the package", "bomb with lying sizes"])
def test_hostile_package_is_refused_on_update_and_the_code_stays(bulwark, lambda_client, unique_name, kind):
    good = hello_zip(unique_name)
    created = create_function(lambda_client, bulwark.account_id, unique_name, good)

    expect_error(
        lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=HOSTILE[kind]()),
        "InvalidParameterValueException", 400,
    )

    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["CodeSha256"], after["RevisionId"]) == (code_sha256(good), created["RevisionId"])


def test_not_a_zip_is_refused_on_update(bulwark, lambda_client, unique_name):
    create_function(lambda_client, bulwark.account_id, unique_name)
    expect_error(
        lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=packages.not_a_zip()),
        "InvalidParameterValueException", 400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )


def test_symlink_inside_the_package_is_accepted(bulwark, lambda_client, unique_name):
    package = packages.symlink_inside_zip()
    created = create_function(lambda_client, bulwark.account_id, unique_name, package)
    assert created["CodeSha256"] == code_sha256(package)


def test_more_than_250_mb_unzipped_is_refused(bulwark, lambda_client, unique_name):
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, packages.oversized_unzipped_zip()),
        "InvalidParameterValueException", 400, "Unzipped size must be smaller than 262144000 bytes",
    )


def test_more_than_50_mb_zipped_is_refused(bulwark, lambda_client, unique_name):
    package = packages.oversized_zipped_zip()
    assert len(package) > packages.ZIPPED_LIMIT
    expect_error(
        lambda: create_function(lambda_client, bulwark.account_id, unique_name, package),
        "RequestEntityTooLargeException", 413, "Zipped size must be smaller than 52428800 bytes",
    )
    expect_error(lambda: lambda_client.get_function(FunctionName=unique_name), "ResourceNotFoundException", 404)

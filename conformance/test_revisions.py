"""RevisionId and optimistic concurrency: an update that names a revision other than the latest is
refused with 412 PreconditionFailedException (AWS's wording from LocalStack's AWS-validated
snapshots), and changes nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from support.lam import REVISION_MISMATCH, create_function, expect_error, wait_for
from support.packages import code_sha256, hello_zip


def test_every_change_makes_a_new_revision(bulwark, lambda_client, unique_name):
    revisions = [create_function(lambda_client, bulwark.account_id, unique_name, wait=False)["RevisionId"]]
    wait_for(lambda_client, "function_active_v2", unique_name)
    revisions.append(lambda_client.get_function(FunctionName=unique_name)["Configuration"]["RevisionId"])
    revisions.append(lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=4)["RevisionId"])
    wait_for(lambda_client, "function_updated_v2", unique_name)
    revisions.append(lambda_client.get_function(FunctionName=unique_name)["Configuration"]["RevisionId"])
    revisions.append(lambda_client.update_function_code(FunctionName=unique_name, ZipFile=hello_zip("two"))["RevisionId"])
    wait_for(lambda_client, "function_updated_v2", unique_name)
    revisions.append(lambda_client.get_function(FunctionName=unique_name)["Configuration"]["RevisionId"])

    # Created, Active, updated, Successful, updated, Successful: each a revision of its own.
    assert len(set(revisions)) == 6


def test_update_configuration_with_the_latest_revision_succeeds(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name)
    updated = lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=12, RevisionId=created["RevisionId"])
    assert updated["Timeout"] == 12


def test_update_configuration_with_a_stale_revision_is_refused(bulwark, lambda_client, unique_name):
    stale = create_function(lambda_client, bulwark.account_id, unique_name)["RevisionId"]
    lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=6)
    wait_for(lambda_client, "function_updated_v2", unique_name)
    current = lambda_client.get_function_configuration(FunctionName=unique_name)["RevisionId"]

    expect_error(
        lambda: lambda_client.update_function_configuration(FunctionName=unique_name, Timeout=20, RevisionId=stale),
        "PreconditionFailedException", 412, REVISION_MISMATCH,
    )

    after = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert (after["Timeout"], after["RevisionId"]) == (6, current)


def test_update_code_with_a_stale_revision_is_refused(bulwark, lambda_client, unique_name):
    first = hello_zip("first")
    stale = create_function(lambda_client, bulwark.account_id, unique_name, first)["RevisionId"]
    lambda_client.update_function_configuration(FunctionName=unique_name, Description="moved on")
    wait_for(lambda_client, "function_updated_v2", unique_name)

    expect_error(
        lambda: lambda_client.update_function_code(FunctionName=unique_name, ZipFile=hello_zip("second"), RevisionId=stale),
        "PreconditionFailedException", 412, REVISION_MISMATCH,
    )
    assert lambda_client.get_function_configuration(FunctionName=unique_name)["CodeSha256"] == code_sha256(first)


def test_update_code_with_the_latest_revision_succeeds(bulwark, lambda_client, unique_name):
    created = create_function(lambda_client, bulwark.account_id, unique_name)
    second = hello_zip("second")
    updated = lambda_client.update_function_code(FunctionName=unique_name, ZipFile=second, RevisionId=created["RevisionId"])
    assert updated["CodeSha256"] == code_sha256(second)


def test_concurrent_updates_of_one_revision_let_exactly_one_win(bulwark, lambda_client, unique_name):
    revision = create_function(lambda_client, bulwark.account_id, unique_name)["RevisionId"]
    clients = [bulwark.client("lambda") for _ in range(6)]

    def update(index: int):
        try:
            return clients[index].update_function_configuration(
                FunctionName=unique_name, Description=f"writer {index}", RevisionId=revision,
            )
        except ClientError as error:
            return error.response

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(update, range(len(clients))))

    winners = [result for result in results if result["ResponseMetadata"]["HTTPStatusCode"] == 200]
    losers = [result for result in results if result["ResponseMetadata"]["HTTPStatusCode"] != 200]
    assert len(winners) == 1, results
    assert len(losers) == len(clients) - 1, results
    # A loser either saw the winner's revision (412) or arrived while the winner's update was still in
    # progress (409), as on AWS.
    for loser in losers:
        assert (loser["ResponseMetadata"]["HTTPStatusCode"], loser["Error"]["Code"]) in {
            (412, "PreconditionFailedException"), (409, "ResourceConflictException")}, loser
    wait_for(lambda_client, "function_updated_v2", unique_name)
    final = lambda_client.get_function_configuration(FunctionName=unique_name)
    assert final["Description"] == winners[0]["Description"]

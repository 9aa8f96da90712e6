"""ListFunctions pagination (Marker/MaxItems/NextMarker) and FunctionVersion=ALL, on a server of the
test's own so that counts are exact — through boto3, its paginator and the aws CLI.
"""

from __future__ import annotations

import pytest

from conftest import BulwarkServer
from support.lam import create_function, function_arn

NAMES = [f"page-fn-{index}" for index in range(7)]


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
    """A server holding exactly seven functions."""
    server = BulwarkServer(tmp_path_factory.mktemp("pagination-data")).start()
    try:
        client = server.client("lambda")
        for name in NAMES:
            create_function(client, server.account_id, name)
        yield server
    finally:
        server.stop()


def test_max_items_two_gives_pages_of_two_and_a_last_of_one(seven):
    client = seven.client("lambda")
    pages, marker = [], None
    while True:
        page = client.list_functions(MaxItems=2, **({"Marker": marker} if marker else {}))
        pages.append([function["FunctionName"] for function in page["Functions"]])
        marker = page.get("NextMarker")
        if not marker:
            break
        assert len(pages) < 10, "pagination does not end"

    assert [len(page) for page in pages] == [2, 2, 2, 1]
    listed = [name for page in pages for name in page]
    assert sorted(listed) == sorted(NAMES)


def test_last_page_has_no_next_marker(seven):
    page = seven.client("lambda").list_functions(MaxItems=7)
    assert len(page["Functions"]) == 7
    assert "NextMarker" not in page


def test_without_max_items_all_seven_come_in_one_page(seven):
    page = seven.client("lambda").list_functions()
    assert sorted(function["FunctionName"] for function in page["Functions"]) == sorted(NAMES)
    assert "NextMarker" not in page


def test_max_items_above_fifty_is_allowed(seven):
    page = seven.client("lambda").list_functions(MaxItems=1000)
    assert len(page["Functions"]) == 7


def test_boto3_paginator(seven):
    paginator = seven.client("lambda").get_paginator("list_functions")

    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Functions"]) for page in pages] == [2, 2, 2, 1]
    assert sorted(function["FunctionName"] for page in pages for function in page["Functions"]) == sorted(NAMES)

    first_five = paginator.paginate(PaginationConfig={"PageSize": 2, "MaxItems": 5}).build_full_result()
    assert len(first_five["Functions"]) == 5
    rest = paginator.paginate(PaginationConfig={"PageSize": 2, "StartingToken": first_five["NextToken"]}).build_full_result()
    assert sorted(f["FunctionName"] for f in first_five["Functions"] + rest["Functions"]) == sorted(NAMES)


def test_function_version_all_lists_latest_with_qualified_arns(seven):
    functions = seven.client("lambda").list_functions(FunctionVersion="ALL")["Functions"]
    assert sorted(function["FunctionName"] for function in functions) == sorted(NAMES)
    for function in functions:
        assert function["Version"] == "$LATEST"
        assert function["FunctionArn"] == function_arn(seven.account_id, function["FunctionName"]) + ":$LATEST"


def test_function_version_all_paginates(seven):
    client = seven.client("lambda")
    first = client.list_functions(FunctionVersion="ALL", MaxItems=4)
    second = client.list_functions(FunctionVersion="ALL", MaxItems=4, Marker=first["NextMarker"])
    assert len(first["Functions"]) == 4 and len(second["Functions"]) == 3
    assert "NextMarker" not in second


def list_calls(server) -> int:
    return sum(1 for event in server.trail_events() if event["eventName"].startswith("ListFunctions"))


def test_cli_lists_every_function_with_a_small_page_size(seven):
    before = list_calls(seven)
    result = seven.aws("lambda", "list-functions", "--page-size", "2")
    assert sorted(function["FunctionName"] for function in result.json["Functions"]) == sorted(NAMES)
    assert list_calls(seven) - before == 4, "the CLI should have fetched four pages of two"


def test_cli_max_items_and_starting_token(seven):
    first = seven.aws("lambda", "list-functions", "--max-items", "3").json
    assert len(first["Functions"]) == 3
    rest = seven.aws("lambda", "list-functions", "--starting-token", first["NextToken"]).json
    assert sorted(f["FunctionName"] for f in first["Functions"] + rest["Functions"]) == sorted(NAMES)

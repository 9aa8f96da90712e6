"""Stopping and restarting keeps everything; an acknowledged write survives kill -9."""

from __future__ import annotations

from support.lam import create_function, function_arn, wait_for
from support.packages import code_sha256, hello_zip
from support.wire import fetch_url


def test_restart_keeps_functions_code_tags_and_credentials(fresh_bulwark):
    server = fresh_bulwark().start()
    account, key = server.account_id, server.admin_key
    client = server.client("lambda")
    package = hello_zip("durable")
    created = create_function(client, account, "kept", package, Tags={"team": "core"},
                              Environment={"Variables": {"AB": "b"}}, MemorySize=256)
    create_function(client, account, "kept-too")
    client.update_function_configuration(FunctionName="kept", Timeout=30)
    wait_for(client, "function_updated_v2", "kept")
    before = client.get_function_configuration(FunctionName="kept")

    server.restart()

    assert server.account_id == account
    assert server.admin_key == key
    client = server.client("lambda")
    after = client.get_function(FunctionName="kept")
    for field in ("FunctionArn", "CodeSha256", "CodeSize", "RevisionId", "LastModified", "MemorySize", "Timeout", "Environment", "Role"):
        assert after["Configuration"][field] == before[field], field
    assert after["Configuration"]["CodeSha256"] == created["CodeSha256"] == code_sha256(package)
    assert after["Tags"] == {"team": "core"}
    assert fetch_url(after["Code"]["Location"]).body == package
    # The package is kept sealed: no file of the data directory holds its bytes.
    stored = [path for path in server.data_dir.rglob("*") if path.is_file()]
    assert stored and not any(package in path.read_bytes() for path in stored)
    assert sorted(f["FunctionName"] for f in client.list_functions()["Functions"]) == ["kept", "kept-too"]
    assert client.get_account_settings()["AccountUsage"]["FunctionCount"] == 2


def test_restart_keeps_deletions_and_untagging(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    arn = create_function(client, server.account_id, "tagged", Tags={"a": "1", "b": "2"})["FunctionArn"]
    create_function(client, server.account_id, "deleted")
    client.untag_resource(Resource=arn, TagKeys=["a"])
    client.delete_function(FunctionName="deleted")

    server.restart()

    client = server.client("lambda")
    assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["tagged"]
    assert client.list_tags(Resource=arn)["Tags"] == {"b": "2"}


def test_restart_keeps_the_audit_trail_and_appends_to_it(fresh_bulwark):
    server = fresh_bulwark().start()
    server.client("lambda").list_functions()
    first = server.trail_events()

    server.restart()
    server.client("lambda").get_account_settings()

    events = server.trail_events()
    assert events[: len(first)] == first
    assert len(events) == len(first) + 1


def test_acknowledged_create_survives_kill_9(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    package = hello_zip("crash")
    created = create_function(client, server.account_id, "survivor", package, Tags={"k": "v"})

    server.kill9()
    server.start()

    client = server.client("lambda")
    got = client.get_function(FunctionName="survivor")
    assert got["Configuration"]["RevisionId"] == created["RevisionId"]
    assert got["Tags"] == {"k": "v"}
    assert fetch_url(got["Code"]["Location"]).body == package
    created_events = [e for e in server.trail_events() if e["requestID"] == created["ResponseMetadata"]["RequestId"]]
    assert len(created_events) == 1, "the audit event of an answered request was lost in the crash"


def test_acknowledged_updates_survive_kill_9(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    create_function(client, server.account_id, "updated")
    second = hello_zip("second")
    client.update_function_code(FunctionName="updated", ZipFile=second)
    wait_for(client, "function_updated_v2", "updated")
    last = client.update_function_configuration(FunctionName="updated", Description="last word")
    create_function(client, server.account_id, "removed")
    client.delete_function(FunctionName="removed")

    server.kill9()
    server.start()

    client = server.client("lambda")
    # An update acknowledged but not yet applied when the server died is applied when it starts
    # again (a new revision once it is Successful, as on AWS).
    wait_for(client, "function_updated_v2", "updated")
    got = client.get_function_configuration(FunctionName="updated")
    assert (got["Description"], got["CodeSha256"], got["LastUpdateStatus"]) == ("last word", code_sha256(second), "Successful")
    assert last["LastUpdateStatus"] == "InProgress"
    assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["updated"]
    assert client.get_function(FunctionName="updated")["Configuration"]["FunctionArn"] == function_arn(server.account_id, "updated")


def test_many_quick_creates_then_kill_9_lose_nothing(fresh_bulwark):
    server = fresh_bulwark().start()
    client = server.client("lambda")
    names = [f"burst-{index}" for index in range(15)]
    for name in names:
        create_function(client, server.account_id, name)

    server.kill9()
    server.start()

    listed = [f["FunctionName"] for f in server.client("lambda").list_functions()["Functions"]]
    assert sorted(listed) == sorted(names)


def test_sigterm_stops_the_server_cleanly(fresh_bulwark):
    """A graceful stop (systemd, Docker, Ctrl-C) is not a failure: exit status 0 and no error output."""
    server = fresh_bulwark().start()
    create_function(server.client("lambda"), server.account_id, "before-stop")
    process = server.process

    server.stop()

    assert process.returncode == 0, "".join(server.output)
    assert not [line for line in server.output if " error " in line or line.startswith("Error")], "".join(server.output)

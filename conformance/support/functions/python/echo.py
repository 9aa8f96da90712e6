"""A python3.x handler (run by awslambdaric) that reports what it sees and misbehaves on request.

The event chooses what it does: {"action": "sleep", "seconds": 2}, "print", "raise", "exit", "allocate",
"big_response", "size", "log"; any other event is echoed. Every answer carries the environment's TOKEN (drawn at
import, so one per execution environment) and counters that only survive in a warm environment.
"""

import logging
import os
import sys
import time
import uuid

TOKEN = uuid.uuid4().hex
INVOCATIONS = 0
print(f"INIT {TOKEN}", flush=True)


def _marker():
    path = os.path.join(os.environ.get("LAMBDA_TASK_ROOT", "/var/task"), "marker.txt")
    try:
        with open(path) as file:
            return file.read().strip()
    except OSError:
        return None


def handler(event, context):
    global INVOCATIONS
    remaining_ms = context.get_remaining_time_in_millis()
    INVOCATIONS += 1
    with open("/tmp/invocations", "a") as file:
        file.write(".")
    with open("/tmp/invocations") as file:
        tmp_invocations = len(file.read())

    action = event.get("action") if isinstance(event, dict) else None
    if action == "sleep":
        time.sleep(event["seconds"])
    elif action == "print":
        print(event["text"], flush=True)
    elif action == "log":
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)
        logger.info(event["text"])
    elif action == "raise":
        print(f"FAILING {context.aws_request_id}", flush=True)
        raise ValueError(event.get("message", "the handler failed"))
    elif action == "exit":
        sys.stdout.flush()
        os._exit(event["status"])
    elif action == "allocate":
        # Real pages (not lazily zeroed ones), 8 MB at a time, so that the cgroup sees them.
        hoard = []
        for _ in range(event["megabytes"] // 8):
            hoard.append(b"x" * (8 << 20))
        return {"allocated": len(hoard) * 8}
    elif action == "big_response":
        return "a" * event["bytes"]
    elif action == "size":
        return {"padding": len(event["padding"])}

    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": remaining_ms,
        "client_context": getattr(context.client_context, "custom", None),
        "environ": dict(os.environ),
        "token": TOKEN,
        "invocations": INVOCATIONS,
        "tmp_invocations": tmp_invocations,
        "marker": _marker(),
        "uid": os.getuid(),
        "cwd": os.getcwd(),
    }

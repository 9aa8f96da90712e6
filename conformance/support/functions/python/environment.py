"""A python3.x handler that reports the execution environment as a function sees it: its user, resource
limits, environment, the owners and modes of Lambda's directories, its module search path and which modules
it can import (the event's "imports"), and the time left. SLEEP_AT_INIT (seconds) makes its init that long.
"""

import getpass
import os
import resource
import stat
import subprocess
import sys
import time

time.sleep(float(os.environ.get("SLEEP_AT_INIT", "0")))

LIMITS = ("CORE", "NOFILE", "NPROC", "MEMLOCK", "STACK")


def _run(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=5).stdout.strip()
    except OSError as error:
        return type(error).__name__


def _stat(path):
    info = os.stat(path)
    return {"mode": oct(stat.S_IMODE(info.st_mode)), "uid": info.st_uid, "gid": info.st_gid}


def _import(name):
    try:
        module = __import__(name)
    except ImportError as error:
        return type(error).__name__
    return os.path.dirname(module.__file__)


def handler(event, context):
    remaining_ms = context.get_remaining_time_in_millis()
    return {
        "remaining_ms": remaining_ms,
        "user": getpass.getuser(),
        "whoami": _run(["whoami"]),
        "id": _run(["id"]),
        "home": os.path.expanduser("~"),
        "limits": {name: list(resource.getrlimit(getattr(resource, "RLIMIT_" + name))) for name in LIMITS},
        "environ": dict(os.environ),
        "paths": {path: _stat(path) for path in ("/var/task", "/opt", "/tmp", "/var/runtime")},
        "sys_path": sys.path,
        "executable": sys.executable,
        "version": "%d.%d" % sys.version_info[:2],
        "imports": {name: _import(name) for name in event.get("imports", [])},
    }

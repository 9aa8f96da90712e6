"""What handler code sees, printed from inside real functions (python and provided.al2023) and compared with
AWS's documented or recorded values (issue #9): its user, resource limits, environment variables, the modes
of Lambda's directories, the module search path, the time left after a slow init, and the runtimes served.

AWS's values:
- user: `id` prints "uid=993(sbx_user1051) gid=990 groups=990" and `whoami` "sbx_user1051" (recorded in many
  published Lambda shells); /etc/passwd has "sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin";
  Lambda sets no HOME.
- limits: the Lambda quotas page documents 1,024 file descriptors and 1,024 processes/threads; 64 KiB of
  locked memory and an 8 MiB stack (hard: unlimited) are the kernel's defaults Lambda keeps; core dumps are
  allowed (functions report "signal: segmentation fault (core dumped)", and dumps fill /tmp).
- variables: "Defined runtime environment variables" of the Lambda developer guide, and `env` as recorded in
  python3.x and provided functions (AWS_XRAY_* and _AWS_XRAY_* with 169.254.79.129:2000, PATH and
  LD_LIBRARY_PATH with /var/lang for the language runtimes, PYTHONPATH=/var/runtime).
- /tmp belongs to sbx_user1051 with mode 0700 (lambci's replica of the environment); /opt exists, 0755.
- sys.path starts /var/task, /opt/python/lib/python3.X/site-packages, /opt/python, then /var/runtime and the
  standard library under /var/lang; the runtime's boto3 is importable, nothing of the host is.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from support.functions import PYTHON_RUNTIME, create, invoke, python_zip, zip_of, source

RUNTIMES_DIR = Path(os.environ.get("BULWARK_RUNTIMES_DIR", Path(__file__).resolve().parent.parent / ".runtimes"))
CORE_DUMPS_STAY_IN_SANDBOX = not Path("/proc/sys/kernel/core_pattern").read_text().startswith("|")
UNLIMITED = -1  # resource.RLIM_INFINITY as Python reports it


def environment_zip() -> bytes:
    return python_zip("environment.py")


def probe(lambda_client, name: str, imports=()) -> dict:
    result = invoke(lambda_client, name, {"imports": list(imports)})
    assert result.function_error is None, result
    return result.json


def test_the_function_runs_as_sbx_user1051(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, environment_zip())

    seen = probe(lambda_client, unique_name)

    assert seen["user"] == "sbx_user1051"  # getpass.getuser(), from /etc/passwd
    assert seen["whoami"] == "sbx_user1051"
    # AWS: "uid=993(sbx_user1051) gid=990 groups=990". When Bulwark runs as root, the sandbox also holds the
    # host groups that let it read its staged files; outside its user namespace they show as 65534.
    assert re.fullmatch(r"uid=993\(sbx_user1051\) gid=990 groups=990(,65534)*", seen["id"]), seen["id"]
    assert seen["home"] == "/home/sbx_user1051"
    assert "HOME" not in seen["environ"]


def test_resource_limits_are_lambdas(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, environment_zip())

    limits = probe(lambda_client, unique_name)["limits"]

    assert limits == {
        "NOFILE": [1024, 1024],
        "NPROC": [1024, 1024],
        "MEMLOCK": [65536, 65536],
        "STACK": [8 << 20, UNLIMITED],
        # A host that pipes core dumps to a program of its own gets none from sandboxes.
        "CORE": [UNLIMITED, UNLIMITED] if CORE_DUMPS_STAY_IN_SANDBOX else [0, 0],
    }


def test_python_environment_variables_are_awss(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, environment_zip(), MemorySize=256, Environment={"Variables": {"OWN": "mine"}})

    environ = probe(lambda_client, unique_name)["environ"]

    volatile = {
        "AWS_ACCESS_KEY_ID": r"ASIA[A-Z0-9]{16}",
        "AWS_SECRET_ACCESS_KEY": r"[A-Za-z0-9/+=]{40}",
        "AWS_SESSION_TOKEN": r"\S+",
        "AWS_LAMBDA_LOG_STREAM_NAME": r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}",
        "_X_AMZN_TRACE_ID": r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0",
    }
    for name, pattern in volatile.items():
        assert re.fullmatch(pattern, environ.pop(name)), name
    assert environ == {
        "AWS_DEFAULT_REGION": "us-east-1",
        # Bulwark's own: the private endpoint through which the SDK reaches Lambda, IAM and STS.
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{PYTHON_RUNTIME}",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_NAME": unique_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{unique_name}",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "AWS_REGION": "us-east-1",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "LAMBDA_TASK_ROOT": "/var/task",
        "LANG": "en_US.UTF-8",
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        "OWN": "mine",
        "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "PWD": "/var/task",
        "PYTHONPATH": "/var/runtime",
        "TZ": ":UTC",
        "_AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129",
        "_AWS_XRAY_DAEMON_PORT": "2000",
        "_HANDLER": "app.handler",
    }


def test_lambdas_directories_have_awss_modes(bulwark, lambda_client, unique_name):
    create(bulwark, unique_name, environment_zip())

    paths = probe(lambda_client, unique_name)["paths"]

    assert paths["/tmp"] == {"mode": "0o700", "uid": 993, "gid": 990}
    assert paths["/opt"]["mode"] == "0o755"
    # The code and the runtime are not the function's: it can neither own nor write them.
    for path in ("/var/task", "/var/runtime"):
        assert paths[path]["uid"] != 993 and int(paths[path]["mode"], 8) & 0o002 == 0, (path, paths[path])


def test_only_the_runtime_and_the_code_are_importable(bulwark, lambda_client, unique_name):
    version = PYTHON_RUNTIME.removeprefix("python")
    # yaml is one of the host's packages (/usr/lib/python3/dist-packages); the code brings its own module.
    host_yaml = subprocess.run(["/usr/bin/python3", "-c", "import yaml"], capture_output=True).returncode == 0
    package = zip_of({"app.py": source("python/environment.py"), "mine.py": "VALUE = 1\n"})
    create(bulwark, unique_name, package)

    seen = probe(lambda_client, unique_name, imports=["yaml", "boto3", "botocore", "awslambdaric", "json", "mine"])

    assert seen["imports"] == {
        "yaml": "ModuleNotFoundError",
        "boto3": "/var/runtime/boto3",
        "botocore": "/var/runtime/botocore",
        "awslambdaric": "/var/runtime/awslambdaric",
        "json": f"/var/lang/lib/python{version}/json",
        "mine": "/var/task",
    }
    assert host_yaml, "the host has no yaml to hide: the test would prove nothing"
    assert seen["executable"] == f"/var/lang/bin/python{version}"
    assert seen["sys_path"] == [
        "/var/task",
        f"/opt/python/lib/python{version}/site-packages",
        "/opt/python",
        "/var/runtime",
        f"/var/lang/lib/python{version.replace('.', '')}.zip",
        f"/var/lang/lib/python{version}",
        f"/var/lang/lib/python{version}/lib-dynload",
    ]


def test_init_has_its_own_budget(bulwark, lambda_client, unique_name):
    """AWS: the init phase has 10 s of its own; the Timeout counts from the handler's start."""
    create(bulwark, unique_name, environment_zip(), Timeout=3, Environment={"Variables": {"SLEEP_AT_INIT": "2"}})

    remaining_ms = probe(lambda_client, unique_name)["remaining_ms"]

    assert 2500 < remaining_ms <= 3000, remaining_ms


def test_provided_runtime_sees_awss_user_limits_and_variables(bulwark, lambda_client, unique_name):
    package = zip_of({"bootstrap": source("provided/environment.sh")}, executables=("bootstrap",))
    create(bulwark, unique_name, package, runtime="provided.al2023", handler="x")

    seen = invoke(lambda_client, unique_name, {}).json

    assert seen["whoami"] == "sbx_user1051"
    assert seen["limits"] == {
        "nofile": ["1024", "1024"],
        "nproc": ["1024", "1024"],
        "memlock": ["64", "64"],
        "stack": ["8192", "unlimited"],
        "core": ["unlimited", "unlimited"] if CORE_DUMPS_STAY_IN_SANDBOX else ["0", "0"],
    }
    assert seen["path"] == "/usr/local/bin:/usr/bin/:/bin:/opt/bin"
    assert seen["ld_library_path"] == "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
    # The shell adds PWD (and dash nothing else); no AWS_EXECUTION_ENV or PYTHONPATH for custom runtimes.
    assert sorted(seen["names"]) == sorted([
        "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT", "LANG", "LD_LIBRARY_PATH", "PATH", "PWD", "TZ", "_AWS_XRAY_DAEMON_ADDRESS",
        "_AWS_XRAY_DAEMON_PORT", "_HANDLER",
    ])


# -- runtimes -------------------------------------------------------------------------------------------

PYTHON_DIRECTORIES = ["/usr/bin", "/usr/local/bin", *sorted(str(p) for p in Path("/opt").glob("*/bin")),
                      *sorted(str(p) for p in (Path.home() / ".pyenv/versions").glob("*/bin")),
                      *sorted(str(p) for p in (Path.home() / ".local/share/uv/python").glob("*/bin"))]


def servable_python_runtimes() -> list[str]:
    """python3.X with an interpreter where Bulwark looks and awslambdaric installed by `make runtimes`."""
    return [
        f"python{version}" for version in ("3.10", "3.11", "3.12", "3.13", "3.14")
        if any(os.access(f"{directory}/python{version}", os.X_OK) for directory in PYTHON_DIRECTORIES)
        and (RUNTIMES_DIR / f"python{version}" / "awslambdaric").is_dir()
    ]


@pytest.mark.parametrize("runtime", servable_python_runtimes())
def test_every_python_the_machine_has_runs_functions(bulwark, lambda_client, unique_name, runtime):
    """Including interpreters under a private home (a pyenv in /root, mode 0700), which sandboxes cannot reach."""
    version = runtime.removeprefix("python")
    # Room for a cold start that imports boto3 on a busy machine.
    create(bulwark, unique_name, environment_zip(), runtime=runtime, Timeout=15)

    seen = probe(lambda_client, unique_name, imports=["yaml", "pip", "boto3"])

    assert seen["version"] == version
    assert seen["executable"] == f"/var/lang/bin/python{version}"
    assert seen["environ"]["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{runtime}"
    # Neither the host's packages nor what was installed into that interpreter (pip, in pyenv's).
    assert seen["imports"] == {"yaml": "ModuleNotFoundError", "pip": "ModuleNotFoundError", "boto3": "/var/runtime/boto3"}
    assert seen["sys_path"][:4] == ["/var/task", f"/opt/python/lib/python{version}/site-packages", "/opt/python", "/var/runtime"]


def test_doctor_lists_the_runtimes_served_and_how_to_add_the_others(bulwark, tmp_path):
    from conftest import BULWARK_BIN

    result = subprocess.run(
        [BULWARK_BIN, "doctor", "--data-dir", str(tmp_path / "doctor"), "--runtimes-dir", str(RUNTIMES_DIR)],
        capture_output=True, text=True, timeout=60,
    )

    lines = result.stdout.splitlines()
    served = servable_python_runtimes()
    for runtime in served:
        assert any(re.fullmatch(rf"  {runtime}: /\S+/python{runtime[6:]}( \(staged read-only for sandboxes\))?", line)
                   for line in lines), (runtime, result.stdout)
    for runtime in {"python3.10", "python3.11", "python3.12", "python3.13", "python3.14"} - set(served):
        assert any(line.startswith(f"  {runtime}: unavailable — ") and "make runtimes" in line for line in lines), result.stdout
    missing_interpreter = [line for line in lines if "no python3." in line]
    for line in missing_interpreter:
        version = re.search(r"no python(3\.\d+)", line).group(1)
        assert f"uv python install {version}, then make runtimes" in line, line


STALE_BYTECODE = '''
import glob, os, struct, sys


def handler(event, context):
    """Every module of the runtime client and of the runtime's boto3 whose compiled file Python would not trust."""
    tag = sys.implementation.cache_tag
    checked, stale = 0, []
    for package in ("awslambdaric", "boto3", "botocore"):
        for path in glob.glob(f"/var/runtime/{package}/**/*.py", recursive=True):
            directory, name = os.path.split(path)
            compiled = os.path.join(directory, "__pycache__", f"{name[:-3]}.{tag}.pyc")
            if not os.path.exists(compiled):
                continue
            with open(compiled, "rb") as file:
                flags, mtime, size = struct.unpack("<4xIII", file.read(16))
            status = os.stat(path)
            checked += 1
            if flags == 0 and (mtime != int(status.st_mtime) & 0xFFFFFFFF or size != status.st_size & 0xFFFFFFFF):
                stale.append(path)
    return {"checked": checked, "stale": stale[:5], "staleCount": len(stale)}
'''


def test_the_runtimes_compiled_modules_are_valid_in_the_sandbox(bulwark, lambda_client, unique_name):
    """Staging keeps the modification times of the runtime client's files: Python trusts a compiled module only
    while its source has the time it recorded, and a sandbox cannot rewrite the cache, so a copy with new times
    would compile awslambdaric (and boto3, when a function imports it) again in every cold start."""
    create(bulwark, unique_name, zip_of({"app.py": STALE_BYTECODE}))

    seen = probe(lambda_client, unique_name)

    assert seen["checked"] > 100, seen
    assert seen == {"checked": seen["checked"], "stale": [], "staleCount": 0}

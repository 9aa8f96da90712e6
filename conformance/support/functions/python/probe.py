"""A hostile python3.x handler: each probe tries to get out of the sandbox and reports what happened.

The event names the probe ({"probe": "read", "paths": [...]}, ...). Probes report errno names (e.g.
"ENOENT", "EPERM") rather than raising, so that a test sees exactly which wall stopped them.
"""

import ctypes
import errno
import os
import signal
import socket
import time

LIBC = ctypes.CDLL(None, use_errno=True)


def _errno_name(number):
    return errno.errorcode.get(number, str(number))


def _attempt(action):
    """"ok" (or the action's result), or the errno name of the OSError it raised."""
    try:
        result = action()
        return "ok" if result is None else result
    except OSError as error:
        return _errno_name(error.errno)


def _libc(name, *arguments):
    """Calls a libc function; "ok" or the errno name of its failure."""
    ctypes.set_errno(0)
    result = getattr(LIBC, name)(*arguments)
    return "ok" if result == 0 else _errno_name(ctypes.get_errno())


def _read(path):
    if os.path.isdir(path):
        return {"listing": sorted(os.listdir(path))[:50]}
    with open(path, "rb") as file:
        return {"content": file.read(4096).decode("latin-1")}


def _write(path):
    with open(path, "w") as file:
        file.write("written from inside the sandbox")


def _connect(host, port):
    with socket.create_connection((host, port), timeout=2):
        return "connected"


def _udp(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"hello", (host, port))
        return "sent"


def _processes():
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as file:
                    found[entry] = file.read().replace(b"\0", b" ").decode("latin-1").strip()
            except OSError as error:
                found[entry] = _errno_name(error.errno)
    return found


def _status_fields(*names):
    with open("/proc/self/status") as file:
        fields = dict(line.rstrip("\n").split(":\t", 1) for line in file if ":\t" in line)
    return {name: fields.get(name, "").strip() for name in names}


def probe_fork_bomb(event):
    """The classic shell fork bomb, `b(){ b|b& };b`; meanwhile the handler reports the first fork the
    kernel refuses it, and how many processes the sandbox had then. Runs until the invocation is stopped."""
    import subprocess

    subprocess.Popen(["/bin/sh", "-c", "b(){ b|b& };b"])
    reported = False
    while True:
        try:
            child = os.fork()
        except OSError as error:
            if not reported:
                count = sum(1 for entry in os.listdir("/proc") if entry.isdigit())
                print(f"FORK FAILED {_errno_name(error.errno)} with {count} processes", flush=True)
                reported = True
        else:
            if child == 0:
                os._exit(0)
            os.waitpid(child, 0)
        time.sleep(0.05)


def probe_fill_tmp(event):
    """Writes /tmp full; reports how far it got and how the kernel refused, then frees the space."""
    chunk = b"\0" * (1 << 20)
    written, failure = 0, None
    path = "/tmp/filler"
    try:
        with open(path, "wb") as file:
            while written < event["limit_mb"] << 20:
                file.write(chunk)
                file.flush()
                written += len(chunk)
    except OSError as error:
        failure = _errno_name(error.errno)
    statvfs = os.statvfs("/tmp")
    os.remove(path)
    return {"written_mb": written >> 20, "error": failure, "size_mb": (statvfs.f_blocks * statvfs.f_frsize) >> 20}


def probe_ptrace(event):
    PTRACE_TRACEME, PTRACE_ATTACH = 0, 16
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    try:
        return {
            "attach_child": _libc("ptrace", PTRACE_ATTACH, child, None, None),
            "attach_init": _libc("ptrace", PTRACE_ATTACH, 1, None, None),
            "traceme": _libc("ptrace", PTRACE_TRACEME, 0, None, None),
        }
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def probe_mount(event):
    MS_REMOUNT, MS_BIND, MNT_DETACH = 32, 4096, 2
    os.makedirs("/tmp/mountpoint", exist_ok=True)
    return {
        "mount_tmpfs": _libc("mount", b"none", b"/tmp/mountpoint", b"tmpfs", 0, None),
        "bind_root": _libc("mount", b"/", b"/tmp/mountpoint", None, MS_BIND, None),
        "remount_task_rw": _libc("mount", None, b"/var/task", None, MS_REMOUNT | MS_BIND, None),
        "unmount_task": _libc("umount2", b"/var/task", MNT_DETACH),
        "chroot": _libc("chroot", b"/tmp"),
        "still_read_only": _attempt(lambda: _write("/var/task/after-mount")),
    }


def probe_unshare(event):
    CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
    return {
        "user": _libc("unshare", CLONE_NEWUSER),
        "mount": _libc("unshare", CLONE_NEWNS),
        "pid": _libc("unshare", CLONE_NEWPID),
        "net": _libc("unshare", CLONE_NEWNET),
        "setuid_root": _attempt(lambda: os.setuid(0)),
        "identity": {"uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid()},
        "status": _status_fields("CapEff", "CapPrm", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"),
    }


def probe_connections(event):
    """Opens `count` connections to each address and holds them idle; after a second, how many the server kept open
    (a closed one reads EOF or a reset)."""
    import select
    import time

    results = {}
    for host, port in event["addresses"]:
        held = [socket.create_connection((host, port), timeout=5) for _ in range(event["count"])]
        time.sleep(1)
        readable, _, _ = select.select(held, [], [], 0)
        closed = 0
        for connection in readable:
            try:
                closed += connection.recv(1) == b""
            except OSError:
                closed += 1
        results[f"{host}:{port}"] = {"opened": len(held), "open": len(held) - closed}
        for connection in held:
            connection.close()
    return results


def handler(event, context):
    probe = event["probe"]
    if probe == "read":
        return {path: _attempt(lambda path=path: _read(path)) for path in event["paths"]}
    if probe == "write":
        return {path: _attempt(lambda path=path: _write(path)) for path in event["paths"]}
    if probe == "network":
        results = {f"tcp {host}:{port}": _attempt(lambda h=host, p=port: _connect(h, p)) for host, port in event["tcp"]}
        results.update({f"udp {host}:{port}": _attempt(lambda h=host, p=port: _udp(h, p)) for host, port in event["udp"]})
        results["resolve"] = _attempt(lambda: str(socket.getaddrinfo(event["name"], 443)[0][4]))
        results["packet socket"] = _attempt(lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close())
        results["raw socket"] = _attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
        results["interfaces"] = sorted(name for _, name in socket.if_nameindex())
        return results
    if probe == "processes":
        return {"processes": _processes(), "self": os.getpid()}
    if probe == "environ":
        found = {}
        for pid in _processes():
            found[pid] = _attempt(lambda pid=pid: open(f"/proc/{pid}/environ", "rb").read().decode("latin-1"))
        return {"processes": found, "own": dict(os.environ)}
    if probe == "fork_bomb":
        return probe_fork_bomb(event)
    if probe == "fill_tmp":
        return probe_fill_tmp(event)
    if probe == "ptrace":
        return probe_ptrace(event)
    if probe == "mount":
        return probe_mount(event)
    if probe == "unshare":
        return probe_unshare(event)
    if probe == "allocate":
        hoard = []
        for _ in range(event["megabytes"] // 8):
            hoard.append(b"x" * (8 << 20))
        return {"allocated": len(hoard) * 8}
    if probe == "connections":
        return probe_connections(event)
    if probe == "echo":
        return {"echo": event.get("value")}
    raise ValueError(f"unknown probe {probe}")

/// Both ends of the bulwark-init tests, in Python: servers on the host, clients inside the sandbox (which has the
/// host's /usr/bin/python3). Kept as a Swift string, written out by `InitSandbox`, because SwiftPM warns about a
/// .py file in a test target that declares no resources.
enum InitPeer {
    static let script = #"""
        """Both ends of the bulwark-init tests (BulwarkInitTests.swift).

        Servers run on the host: on a Unix socket that the sandbox sees through a bind mount, or on the listening sockets
        init hands over; each prints "ready" once it runs, then one line per event. Clients run inside the sandbox,
        connect, check what came back and print one result line; any mismatch raises, so the command exits non-zero.

          serve MODE UNIX_PATH       MODE: echo | hold | http
          serve-handed MODES FD      receive the listening sockets init hands over on descriptor FD (one SCM_RIGHTS
                                     message), print "listening N", serve the i-th in the i-th of the MODES (a,b,...)
          echo HOST PORT BYTES       send BYTES random bytes while reading the echo, half-close, compare at EOF
          http HOST PORT             two Runtime API calls on one keep-alive connection
          sockets                    the sockets the command and init (its parent) hold: "command N init M"
          orphans UNIX_PATH          leave two processes behind (one in a new session), each holding a connection
        """

        import hashlib
        import http.client
        import os
        import signal
        import socket
        import sys
        import threading


        def say(*words):
            print(*words, flush=True)


        # ---- host side ----

        def serve_echo(conn):
            while data := conn.recv(65536):
                conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)


        def serve_hold(conn):
            say("open")
            while conn.recv(65536):
                pass
            say("closed")


        def serve_http(conn):
            stream = conn.makefile("rb")
            while request_line := stream.readline():
                method, path, _ = request_line.decode().split(" ", 2)
                headers = {}
                while (line := stream.readline()) not in (b"\r\n", b"\n", b""):
                    name, value = line.decode().split(":", 1)
                    headers[name.strip().lower()] = value.strip()
                body = stream.read(int(headers.get("content-length", "0")))
                if method == "GET" and path == "/2018-06-01/runtime/invocation/next":
                    status, extra, payload = "200 OK", "Lambda-Runtime-Aws-Request-Id: r-1\r\n", b'{"hello":"world"}'
                elif method == "POST" and path == "/2018-06-01/runtime/invocation/r-1/response":
                    say("response", body.decode())
                    status, extra, payload = "202 Accepted", "", b'{"status":"OK"}'
                else:
                    status, extra, payload = "404 Not Found", "", b"{}"
                head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Content-Length: {len(payload)}\r\n\r\n"
                # Head and body in two writes, as servers do.
                conn.sendall(head.encode())
                conn.sendall(payload)


        HANDLERS = {"echo": serve_echo, "hold": serve_hold, "http": serve_http}


        def accept_forever(listener, handler):
            def run(conn):
                with conn:
                    try:
                        handler(conn)
                    except OSError as error:
                        say("error", error)

            while True:
                conn, _ = listener.accept()
                threading.Thread(target=run, args=(conn,), daemon=True).start()


        def serve(mode, path):
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(path)
            os.chmod(path, 0o777)  # the sandbox's user is not ours
            listener.listen(512)
            say("ready")
            accept_forever(listener, HANDLERS[mode])


        def serve_handed(modes, fd):
            channel = socket.socket(fileno=int(fd))
            say("ready")
            _, fds, _, _ = socket.recv_fds(channel, 1, 16)
            say("listening", len(fds))
            listeners = [socket.socket(fileno=handed) for handed in fds]
            for listener, mode in zip(listeners[1:], modes.split(",")[1:]):
                threading.Thread(target=accept_forever, args=(listener, HANDLERS[mode]), daemon=True).start()
            accept_forever(listeners[0], HANDLERS[modes.split(",")[0]])


        # ---- sandbox side ----

        def echo_once(host, port, size):
            payload = os.urandom(size)
            with socket.create_connection((host, port)) as conn:
                def send():
                    # Small, uneven chunks and large ones alike, so that buffers fill and drain at odd offsets.
                    view, offset, step = memoryview(payload), 0, 1
                    while offset < size:
                        conn.sendall(view[offset:offset + step])
                        offset += step
                        step = step * 7 % 200_003 + 1
                    conn.shutdown(socket.SHUT_WR)
                sender = threading.Thread(target=send)
                sender.start()
                digest, count = hashlib.sha256(), 0
                while data := conn.recv(65536):
                    digest.update(data)
                    count += len(data)
                sender.join()
            expected = hashlib.sha256(payload).hexdigest()
            if count != size or digest.hexdigest() != expected:
                raise SystemExit(f"echo mismatch: sent {size} bytes {expected}, got {count} bytes {digest.hexdigest()}")
            return expected


        def client_http(host, port):
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", "/2018-06-01/runtime/invocation/next")
            answer = conn.getresponse()
            event = answer.read().decode()
            request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
            conn.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=b'{"answer":42}')
            answer = conn.getresponse()
            say("event", event, "status", answer.status, answer.read().decode())


        def sockets_of(pid):
            directory, count = f"/proc/{pid}/fd", 0
            for fd in os.listdir(directory):
                try:
                    count += os.readlink(f"{directory}/{fd}").startswith("socket:")
                except FileNotFoundError:  # the descriptor listdir itself used, closed since
                    pass
            return count


        def client_sockets():
            say("command", sockets_of(os.getpid()), "init", sockets_of(os.getppid()))


        def client_orphans(path):
            ready_read, ready_write = os.pipe()

            def hold():
                conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                conn.connect(path)
                os.write(ready_write, b"x")
                while True:
                    signal.pause()

            if os.fork() == 0:  # stays in the command's process group
                hold()
            if os.fork() == 0:
                os.setsid()  # leaves the group: only a reaper that looks for its children finds the grandchild
                if os.fork() == 0:
                    hold()
                os._exit(0)
            os.close(ready_write)
            if len(os.read(ready_read, 1)) + len(os.read(ready_read, 1)) != 2:
                raise SystemExit("orphans did not start")
            say("left two orphans")


        def main(args):
            command, rest = args[0], args[1:]
            if command == "serve":
                serve(*rest)
            elif command == "serve-handed":
                serve_handed(*rest)
            elif command == "echo":
                say("echo ok", rest[2], echo_once(rest[0], int(rest[1]), int(rest[2])))
            elif command == "http":
                client_http(rest[0], int(rest[1]))
            elif command == "sockets":
                client_sockets()
            elif command == "orphans":
                client_orphans(rest[0])
            else:
                raise SystemExit(f"unknown command {command}")


        main(sys.argv[1:])
        """#
}

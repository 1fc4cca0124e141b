#!/usr/bin/env python3
"""Bad clients against the pprof endpoint (issue 15, section 4), loopback only, bounded loops.

  bad_clients.py PORT malformed   1000 malformed requests, one connection each: every one is
                                  answered with a 4xx status or a closed connection, never a
                                  2xx (but for two flaws the library reads past: TOLERATED),
                                  and never left hanging (each socket has a 30 s limit).
  bad_clients.py PORT slow        a client sends part of a request header and holds the
                                  connection: a good request is answered meanwhile, and the
                                  server closes the slow connection (its read timeout).
  bad_clients.py PORT parallel    64 connections open at once, each with a good request: all
                                  are answered 200.
Prints one line per failure and a summary; exits 1 on any failure. Timing is never asserted
beyond generous limits (the machine is shared and loaded).
"""
import socket
import sys
import threading

HOST = "127.0.0.1"
LIMIT = 30.0  # seconds any one socket operation may take before it counts as hanging


def exchange(port, payload, limit=LIMIT):
    """Sends payload, reads the response's head (or until the server closes); returns the
    status code, 0 when the server closed without a response, or None when it hung past the
    limit."""
    with socket.create_connection((HOST, port), timeout=limit) as s:
        try:
            s.sendall(payload)
        except OSError:
            return 0  # closed on us while sending (e.g. an oversized header)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" in data:
                    break
        except socket.timeout:
            return None
        except ConnectionResetError:
            pass
    if not data.startswith(b"HTTP/1."):
        return 0
    return int(data.split(b" ", 2)[1])


def good_request(port, path="/debug/pprof/stacks"):
    return exchange(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /debug/pprof/ HTTP/9.9\r\n\r\n",
    b"GET /debug/pprof/profile?seconds=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /debug/pprof/profile?seconds=99999999999999999999 HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"GET /debug/pprof/../../etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"GET /debug/pprof/ HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n",
    b"GET /" + b"b" * 20000 + b" HTTP/1.1\r\n\r\n",
    b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
    b"POST /debug/pprof/profile HTTP/1.1\r\nContent-Length: 999999\r\nConnection: close\r\n\r\nxx",
    b"GET /debug/pprof/profile?seconds=1&rate=abc HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"GET /debug/pprof/goroutine?debug=9 HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"\r\n\r\n",
]


# Malformed, but the HTTP library may read past the flaw (a header line with no colon is
# skipped; a GET is answered before its body is read): any answer will do, as long as there is
# one and the server goes on.
TOLERATED = [
    b"GET /debug/pprof/ HTTP/1.1\r\nNoColonHeader\r\nConnection: close\r\n\r\n",
    b"GET /debug/pprof/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n",
]


def malformed(port):
    failures, statuses = 0, {}
    cases = MALFORMED + TOLERATED
    for i in range(1000):
        payload = cases[i % len(cases)]
        status = exchange(port, payload)
        statuses[status] = statuses.get(status, 0) + 1
        if status is None:
            failures += 1
            print(f"FAIL: malformed request {i} ({payload[:40]!r}) left hanging")
        elif 200 <= status < 300 and payload not in TOLERATED:
            failures += 1
            print(f"FAIL: malformed request {i} ({payload[:40]!r}) answered {status}")
    print("malformed: statuses", {("hung" if k is None else k): v for k, v in sorted(
        statuses.items(), key=lambda kv: -1 if kv[0] is None else kv[0])})
    return failures


def slow(port):
    failures = 0
    held = socket.create_connection((HOST, port), timeout=120)
    held.sendall(b"GET /debug/pprof/ HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
    status = good_request(port)
    if status != 200:
        failures += 1
        print(f"FAIL: a good request while a slow client holds a connection: {status}")
    try:
        closed = held.recv(65536)  # the server's read timeout closes it (maybe with a 4xx)
        ok = closed == b"" or closed.startswith(b"HTTP/1.1 4")
    except (socket.timeout, ConnectionResetError) as e:
        ok = isinstance(e, ConnectionResetError)
    held.close()
    if not ok:
        failures += 1
        print("FAIL: the slow connection was not closed by the server within 120 s")
    print(f"slow: good request {status} while held; slow connection closed by the server: {ok}")
    return failures


def parallel(port):
    results = [None] * 64
    paths = ["/debug/pprof/stacks", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"]

    def one(i):
        try:
            results[i] = exchange(port, f"GET {paths[i % 3]} HTTP/1.1\r\nHost: x\r\n"
                                  "Connection: close\r\n\r\n".encode(), limit=120)
        except OSError as e:
            results[i] = str(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [r for r in results if r != 200]
    for r in bad:
        print(f"FAIL: one of 64 parallel requests: {r}")
    print(f"parallel: {64 - len(bad)} of 64 answered 200")
    return len(bad)


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    failures = {"malformed": malformed, "slow": slow, "parallel": parallel}[mode](port)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

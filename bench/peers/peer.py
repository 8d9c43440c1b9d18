"""CPython's socket module in the sockspec benchmark (same protocol as
peer_c.c; see bench/main.go). Blocking sockets without timeouts (bench/main.go bounds each process with a
kill timeout), one thread per blocked reader."""
import socket
import sys
import threading
import time


def status():
    threads = rss = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return threads, rss


def listen(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    if kind == socket.SOCK_STREAM:
        s.listen(4096)
    print("PORT", s.getsockname()[1], flush=True)
    return s


def full(s, buf, n):
    view = memoryview(buf)
    got = 0
    while got < n:
        r = s.recv_into(view[got:n])
        if r <= 0:
            return r
        got += r
    return got


def server(w):
    buf = bytearray(65536)
    if w == "udp":
        s = listen(socket.SOCK_DGRAM)
        while True:
            n, addr = s.recvfrom_into(buf)
            if n <= 1:
                return
            s.sendto(memoryview(buf)[:n], addr)
    ln = listen(socket.SOCK_STREAM)
    c, _ = ln.accept()
    c.settimeout(None)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if w == "tcp":
        view = memoryview(buf)[:64]
        while full(c, buf, 64) == 64:
            c.sendall(view)
        return
    total = 0
    while True:
        n = c.recv_into(buf)
        if n <= 0:
            break
        total += n
    c.sendall(total.to_bytes(8, sys.byteorder))


def client(w, port, ms, maxops):
    kind = socket.SOCK_DGRAM if w == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.connect(("127.0.0.1", port))
    s.settimeout(None)
    if kind == socket.SOCK_STREAM:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if w == "stream":
        end = time.monotonic() + ms / 1000
        data = b"x" * 65536
        t0 = time.monotonic()
        ops = 0
        while ops < maxops:
            if ops % 16 == 0 and time.monotonic() > end:
                break
            s.sendall(data)
            ops += 1
        s.shutdown(socket.SHUT_WR)
        got = bytearray(8)
        full(s, got, 8)
        secs = time.monotonic() - t0
        if int.from_bytes(got, sys.byteorder) != ops * 65536:
            sys.exit("stream: byte count mismatch")
        print("RESULT", ops, "%.6f" % secs, flush=True)
        return
    msg = b"x" * 64
    buf = bytearray(64)
    send, recv_into = s.send, s.recv_into
    udp = w == "udp"
    for _ in range(1000):  # warm-up
        send(msg)
        recv_into(buf) if udp else full(s, buf, 64)
    ops = 0
    end = time.monotonic() + ms / 1000
    t0 = time.monotonic()
    while ops < maxops:
        if ops % 64 == 0 and time.monotonic() > end:
            break
        send(msg)
        if udp:
            recv_into(buf)
        else:
            full(s, buf, 64)
        ops += 1
    secs = time.monotonic() - t0
    if udp:
        send(b"x")
    print("RESULT", ops, "%.6f" % secs, flush=True)


def blocked(n):
    ln = listen(socket.SOCK_STREAM)
    threading.stack_size(256 * 1024)
    lock = threading.Lock()
    woken = [0]

    def reader(c):
        c.recv(1)
        with lock:
            woken[0] += 1
            if woken[0] == n:
                print("WOKEN", time.clock_gettime_ns(time.CLOCK_MONOTONIC), flush=True)

    threads = []
    for _ in range(n):
        c, _ = ln.accept()
        t = threading.Thread(target=reader, args=(c,))
        t.start()
        threads.append(t)
    time.sleep(0.2)
    print("READY %d %d" % status(), flush=True)
    for t in threads:
        t.join()


def main():
    w, role = sys.argv[1], sys.argv[2]
    if w == "blocked":
        blocked(int(sys.argv[3]))
    elif role == "server":
        server(w)
    else:
        client(w, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))


main()

# A policyd that allows everything: the interposer on its own (as on a
# kernel without seccomp user notification) with a permissive policy, for
# the differential tests (tests/integration/native.sh). Reads are decided
# locally (the HELLO answer allows every path); execs, write-opens, file
# calls and connects are asked and allowed. Each request's type is
# appended to LOG, one line each.
# Usage: allow_policyd.py SOCKET LOG READYFILE
import os, socketserver, struct, sys, threading, time

MAGIC = int(os.environ["TGP_MAGIC"])  # "TGP" and the version (tests/tgp_version.sh)
path, log, ready = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()


def field(tag, value):
    if isinstance(value, int):
        value = struct.pack("<I", value)
    elif isinstance(value, str):
        value = value.encode()
    return struct.pack("<HHI", tag, 0, len(value)) + value


def message(mtype, mid, fields):
    body = b"".join(fields)
    return struct.pack("<IHHII", MAGIC, mtype, len(fields), mid, len(body)) + body


ANSWERS = {
    1: (2, [field(16, 0), field(17, 1), field(18, "/**")]),  # HELLO
    3: (4, [field(12, 0), field(13, "allow-all")]),  # DECIDE: allow
    10: (11, []),  # NAMES
}


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        while True:
            h = b""
            while len(h) < 16:
                got = s.recv(16 - len(h))
                if not got:
                    return
                h += got
            magic, mtype, _, mid, length = struct.unpack("<IHHII", h)
            body = b""
            while len(body) < length:
                got = s.recv(length - len(body))
                if not got:
                    return
                body += got
            if magic != MAGIC or mtype not in ANSWERS:
                return
            with lock, open(log, "a") as f:
                f.write("%d\n" % mtype)
            rtype, fields = ANSWERS[mtype]
            s.sendall(message(rtype, mid, fields))


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def watch(parent):
    # the suite that started it is gone (killed, or stopped early): go too
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=watch, args=(os.getppid(),), daemon=True).start()
srv = Server(path, Handler)
open(ready, "w").close()
srv.serve_forever()

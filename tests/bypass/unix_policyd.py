# A policyd for the interposer alone (no kernel path, as on a kernel
# without seccomp user notification): refuses every connect to a Unix
# socket and allows everything else, logging each such request's PATH and
# FLAGS to LOG ("unix PATH FLAGS"), and each exec request's environment
# entries ("env NAME=VALUE"). tests/bypass/unix.sh checks that the
# interposer's connect hook asks about Unix sockets and keeps the refusal,
# and that an exec asked of policyd carries the variables git reads.
# Usage: unix_policyd.py SOCKET LOG READYFILE
import os, socketserver, struct, sys, threading, time

MAGIC = int(os.environ["TGP_MAGIC"])  # "TGP" and the version (tests/tgp_version.sh)
T_KIND, T_PATH, T_ACTION, T_RULE, T_MESSAGE, T_FLAGS = 1, 2, 12, 13, 14, 24
T_ENV = 35  # TGPT_ENV
K_EXEC, K_CONNECT = 1, 3
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


def fields_of(body, repeated=None):
    out, o = {}, 0
    while o + 8 <= len(body):
        tag, _, n = struct.unpack_from("<HHI", body, o)
        out.setdefault(tag, body[o + 8 : o + 8 + n])
        if repeated is not None and tag == T_ENV:
            repeated.append(body[o + 8 : o + 8 + n].decode())
        o += 8 + n
    return out


def answer(mtype, mid, body):
    if mtype == 1:  # HELLO: reads decided locally, nothing to the kernel
        return message(2, mid, [field(16, 0), field(17, 1), field(18, "/**")])
    if mtype == 10:  # NAMES
        return message(11, mid, [])
    env = []
    f = fields_of(body, env)
    kind = struct.unpack("<I", f[T_KIND])[0] if T_KIND in f else 0
    if kind == K_EXEC and env:
        with lock, open(log, "a") as lf:
            lf.writelines("env %s\n" % e for e in env)
    if kind == K_CONNECT and T_PATH in f:
        flags = struct.unpack("<I", f[T_FLAGS])[0] if T_FLAGS in f else 0
        with lock, open(log, "a") as lf:
            lf.write("unix %s %d\n" % (f[T_PATH].decode(), flags))
        return message(4, mid, [field(T_ACTION, 3), field(T_RULE, "unix-test"),
                                field(T_MESSAGE, "no Unix sockets")])
    return message(4, mid, [field(T_ACTION, 0), field(T_RULE, "allow-all")])


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
            if magic != MAGIC or mtype not in (1, 3, 10):
                return
            s.sendall(answer(mtype, mid, body))


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def watch(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=watch, args=(os.getppid(),), daemon=True).start()
srv = Server(path, Handler)
open(ready, "w").close()
srv.serve_forever()

# Sends malformed messages to policyd's agent socket; reports whether
# policyd closed each connection. Usage: badclient.py SOCKET
import os, socket, struct, sys
path = sys.argv[1]
MAGIC = int(os.environ["TGP_MAGIC"])  # "TGP" and the version (tests/tgp_version.sh)
LOOP = bytes(10) + b"\xff\xff\x7f\x00\x00\x01"  # ::ffff:127.0.0.1
def msg(mtype, fields, mid=1):
    body = b"".join(struct.pack("<HHI", t, 0, len(v)) + v for t, v in fields)
    return struct.pack("<IHHII", MAGIC, mtype, len(fields), mid, len(body)) + body
cases = {
    "junk": b"\x00garbage\xff" * 10,
    "bad-magic": struct.pack("<IHHII", 0xdeadbeef, 3, 0, 1, 0),
    "huge-len": struct.pack("<IHHII", MAGIC, 3, 1, 1, 0x7fffffff),
    "field-overrun": struct.pack("<IHHII", MAGIC, 3, 1, 1, 8) + struct.pack("<HHI", 1, 0, 1000),
    "bad-u32": struct.pack("<IHHII", MAGIC, 3, 1, 1, 10) + struct.pack("<HHI", 1, 0, 2) + b"ab",
    "nul-in-path": struct.pack("<IHHII", MAGIC, 3, 1, 1, 12) + struct.pack("<HHI", 2, 0, 4) + b"a\x00bc",
    "unknown-type": struct.pack("<IHHII", MAGIC, 99, 0, 1, 0),
    "reply-type": struct.pack("<IHHII", MAGIC, 4, 0, 1, 0),
    "field-count-lie": struct.pack("<IHHII", MAGIC, 3, 5, 1, 12) + struct.pack("<HHI", 1, 0, 4) + struct.pack("<I", 1),
    # names reports (type 10): no addresses; the one-address form of older
    # interposers (ADDR, 9); addresses that are not whole (ADDRS, 34)
    "names-no-addrs": msg(10, [(8, b"example.test")]),
    "names-old-addr": msg(10, [(8, b"example.test"), (9, LOOP)]),
    "names-short-addrs": msg(10, [(8, b"example.test"), (34, LOOP[:15])]),
}
for name, data in cases.items():
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(path)
    try:
        s.sendall(data)
        got = s.recv(4096)
        print(name, "closed" if got == b"" else "answered")
    except (ConnectionResetError, BrokenPipeError):
        print(name, "closed")
    except socket.timeout:
        print(name, "hung")
    s.close()
# a message in another version of the protocol ("TGP1", "TGP9") is
# answered with a bare header in policyd's (BAD_VERSION, type 12, same id),
# then the connection closes
for name, magic in (("version-1", 0x31504754), ("version-9", 0x39504754)):
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(path)
    s.sendall(struct.pack("<IHHII", magic, 1, 0, 5, 0))
    r = s.recv(4096)
    more = s.recv(4096) if len(r) == 16 else b"?"
    if len(r) == 16:
        m, t, _, i, _ = struct.unpack("<IHHII", r)
        print(name, "answered magic %#x type %d id %d" % (m, t, i),
              "then closed" if more == b"" else "then open")
    else:
        print(name, "got %d bytes" % len(r))
    s.close()
# a well-formed report is answered with NAMES_OK (type 11), same id
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(path)
s.sendall(msg(10, [(8, b"localhost"), (34, LOOP + bytes(15) + b"\x01")], mid=7))
r = s.recv(4096)
print("names-ok", "answered type %d id %d" % struct.unpack("<IHHII", r[:16])[1:4:2] if len(r) >= 16 else "closed")
s.close()

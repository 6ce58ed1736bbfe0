# Sends malformed messages to policyd's agent socket; reports whether
# policyd closed each connection. Usage: badclient.py SOCKET
import socket, struct, sys
path = sys.argv[1]
MAGIC = 0x31504754
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

# A policyd of another tiergate version: listens on SOCKET and answers
# every message with a bare header whose magic says protocol VERSION.
# Usage: fake_policyd.py SOCKET VERSION READYFILE
import os, socket, struct, sys
path, version, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
magic = 0x00504754 | (ord("0") + version) << 24
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(16)
open(ready, "w").close()
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        h = c.recv(16)
        if len(h) == 16:
            mid = struct.unpack("<IHHII", h)[3]
            c.sendall(struct.pack("<IHHII", magic, 4, 0, mid, 0))
    except OSError:
        pass
    c.close()

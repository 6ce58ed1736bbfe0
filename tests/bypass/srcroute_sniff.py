#!/usr/bin/env python3
"""Prints the IP destination of each packet seen on lo whose payload holds
"tg-srcroute" (a line "DST MODE"), for SECONDS. Run by srcroute.sh outside
any session (a packet socket: root). Prints "ready" once listening."""
import ipaddress
import socket
import sys
import time

ETH_P_ALL = 0x0003
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
s.bind(("lo", 0))
s.settimeout(0.2)
print("ready", flush=True)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        p = s.recv(65536)
    except socket.timeout:
        continue
    i = p.find(b"tg-srcroute ")
    if i < 0:
        continue
    mode = p[i + 12:].split(b"\0")[0].decode(errors="replace")
    if p[0] >> 4 == 4:
        dst = ipaddress.ip_address(p[16:20])
    elif p[0] >> 4 == 6:
        dst = ipaddress.ip_address(p[24:40])
    else:
        continue
    print(dst, mode, flush=True)

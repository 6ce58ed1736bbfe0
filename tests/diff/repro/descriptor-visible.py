# A program that enumerates its own open descriptors (/proc/self/fd, or
# fstat over a range as test_subprocess's fd_status.py does) finds one
# more under tiergate: the interposer's connection to policyd, kept at a
# high number (896 or above) so that it never takes the number a program's
# open() expects. Prints the descriptors a fresh child finds open.
import os
import subprocess
import sys

CHILD = "import os; print(sorted(int(x) for x in os.listdir('/proc/self/fd')))"
out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, close_fds=True)
print("child's descriptors:", out.stdout.strip())

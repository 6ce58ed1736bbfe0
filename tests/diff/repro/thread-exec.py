# diff-policy: default
# A program with a second thread running starts a child: Python, Node, Go
# and Java do this all the time. Under policies/default.yaml (which allows
# `git version` and every program in /usr/bin) the child must run.
import errno
import subprocess
import threading

stop = threading.Event()
t = threading.Thread(target=stop.wait)
t.start()
try:
    for argv in (["git", "version"], ["/bin/true"]):
        try:
            r = subprocess.run(argv, capture_output=True, text=True)
            print(argv[0], "exit", r.returncode)
        except OSError as e:
            print(argv[0], "not started:", errno.errorcode.get(e.errno, e.errno))
finally:
    stop.set()
    t.join()

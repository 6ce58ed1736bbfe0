# Execs from a process with a second thread (policyd holds them and checks
# them at the exec stop): every kind of program chain must still run.
# Usage: exec_chain.py HOW (in a directory holding s.sh, nested, e.py).
import os
import sys
import threading

threading.Thread(target=threading.Event().wait, daemon=True).start()
how = sys.argv[1]
if how == "rel":
    os.execv("./s.sh", ["s", "a b", "c"])
elif how == "abs":
    os.execv(os.path.abspath("s.sh"), ["s", "x"])
elif how == "nested":
    os.execv("nested", ["n", "y"])
elif how == "env":
    os.execv("./e.py", ["e", "z"])
elif how == "ldso":
    os.execv("/lib64/ld-linux-x86-64.so.2", ["ld", "/bin/echo", "ldso ran"])
elif how == "fexec":
    fd = os.open("s.sh", os.O_RDONLY)
    os.set_inheritable(fd, True)
    os.execve(fd, ["s", "fexec"], {})
elif how == "fexecelf":
    fd = os.open("/bin/echo", os.O_RDONLY)
    os.execve(fd, ["echo", "fexec elf"], {})
elif how == "spawn":
    import subprocess
    print(subprocess.run(["/bin/echo", "spawned"], capture_output=True,
                         text=True).stdout.strip())
    sys.exit(0)
print("exec failed")

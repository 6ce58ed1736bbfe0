# A program's environment is its own: a session adds nothing to it, and a
# child started with an empty environment (env -i, execve with envp {NULL})
# gets an empty one. Prints the names of the variables either finds that
# the preloaded library and tiergate add.
added() { sed -n 's/^\(LD_PRELOAD\|LD_AUDIT\|TIERGATE_[A-Z_]*\)=.*/\1/p' | sort | tr '\n' ' '; }
echo "inherited: $(env | added)"
echo "after env -i: $(env -i /usr/bin/env | added)"

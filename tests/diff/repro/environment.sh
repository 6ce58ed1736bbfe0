# A program's environment is its own: a session adds nothing to it. Prints
# the names of the variables a mediated program would find added (the
# preloaded library and tiergate's own).
env | sed -n 's/^\(LD_PRELOAD\|LD_AUDIT\|TIERGATE_[A-Z_]*\)=.*/\1/p' | sort

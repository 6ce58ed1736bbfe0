/* the same program, static: seen by the kernel path only */
#include "spelled.c"

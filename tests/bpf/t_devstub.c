#include "tb.h"
void t_dns(void) {}
void t_limits(void) {}

void t_lifecycle(void) {}

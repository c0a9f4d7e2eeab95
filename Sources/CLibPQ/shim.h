#ifndef CATALYST_CLIBPQ_SHIM_H
#define CATALYST_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif

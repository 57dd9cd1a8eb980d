#ifndef XMPPCLI_CRESOLV_SHIM_H
#define XMPPCLI_CRESOLV_SHIM_H

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>

// res_query is a macro for __res_query in glibc; wrap it so Swift can call it.
static inline int xmppcli_res_query(const char *dname, int class_, int type,
                                    unsigned char *answer, int anslen) {
    return res_query(dname, class_, type, answer, anslen);
}

static inline int xmppcli_ns_t_srv(void) { return ns_t_srv; }
static inline int xmppcli_ns_c_in(void) { return ns_c_in; }

#endif

#ifndef XMPPCLI_CRESOLV_SHIM_H
#define XMPPCLI_CRESOLV_SHIM_H

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

static inline int xmppcli_ns_t_srv(void) { return ns_t_srv; }
static inline int xmppcli_ns_c_in(void) { return ns_c_in; }

// The thread-safe res_n* family, also macros in glibc. Each caller owns its __res_state,
// so look-ups never share the process-wide _res.
static inline int xmppcli_res_ninit(struct __res_state *state) { return res_ninit(state); }
static inline void xmppcli_res_nclose(struct __res_state *state) { res_nclose(state); }
static inline int xmppcli_res_nquery(struct __res_state *state, const char *dname, int class_,
                                     int type, unsigned char *answer, int anslen) {
    return res_nquery(state, dname, class_, type, answer, anslen);
}

// Seconds per attempt (glibc doubles it for each further name server) and attempts per
// name server; set after res_ninit, which resets them from resolv.conf.
static inline void xmppcli_res_set_timing(struct __res_state *state, int retrans, int retry) {
    state->retrans = retrans;
    state->retry = retry;
}
static inline int xmppcli_res_nscount(const struct __res_state *state) { return state->nscount; }

// Why res_nquery failed: res_h_errno holds HOST_NOT_FOUND, NO_DATA, TRY_AGAIN, NO_RECOVERY
// or NETDB_INTERNAL (then errno says more).
static inline int xmppcli_res_h_errno(const struct __res_state *state) { return state->res_h_errno; }
static inline int xmppcli_host_not_found(void) { return HOST_NOT_FOUND; }
static inline int xmppcli_no_data(void) { return NO_DATA; }
static inline int xmppcli_try_again(void) { return TRY_AGAIN; }
static inline int xmppcli_no_recovery(void) { return NO_RECOVERY; }
static inline int xmppcli_netdb_internal(void) { return NETDB_INTERNAL; }

#endif

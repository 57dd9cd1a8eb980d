#ifndef XMPPCLI_CRESOLV_SHIM_H
#define XMPPCLI_CRESOLV_SHIM_H

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>

// The thread-safe res_n* family, also macros in glibc. Each caller owns its __res_state,
// so look-ups never share the process-wide _res. The query functions hand back errno as
// it was when they returned, before anything else can change it.
static inline int xmppcli_res_ninit(struct __res_state *state) { return res_ninit(state); }
static inline void xmppcli_res_nclose(struct __res_state *state) { res_nclose(state); }
static inline int xmppcli_res_nquery(struct __res_state *state, const char *dname, int class_,
                                     int type, unsigned char *answer, int anslen, int *error) {
    errno = 0;
    int length = res_nquery(state, dname, class_, type, answer, anslen);
    *error = errno;
    return length;
}
// res_nquery for each name the search list and ndots make of dname, as getaddrinfo does.
static inline int xmppcli_res_nsearch(struct __res_state *state, const char *dname, int class_,
                                      int type, unsigned char *answer, int anslen, int *error) {
    errno = 0;
    int length = res_nsearch(state, dname, class_, type, answer, anslen);
    *error = errno;
    return length;
}

// Seconds per attempt (glibc doubles it for each further name server) and attempts per
// name server; set after res_ninit, which resets them from resolv.conf.
static inline void xmppcli_res_set_timing(struct __res_state *state, int retrans, int retry) {
    state->retrans = retrans;
    state->retry = retry;
}
static inline int xmppcli_res_nscount(const struct __res_state *state) { return state->nscount; }

// Whether res_nsearch may try a name with a search-list domain as well as on its own.
static inline int xmppcli_res_has_search_list(const struct __res_state *state) {
    return state->dnsrch[0] != NULL;
}

// Truncated UDP answers are returned as they are: glibc's retry over TCP connects and reads
// with no timeout at all, so a server that truncates and then ignores TCP would hang us.
static inline void xmppcli_res_ignore_truncation(struct __res_state *state) {
    state->options |= RES_IGNTC;
}

// Replaces what res_ninit read from resolv.conf with one IPv4 name server (address and port
// in network byte order), at most one search domain (NULL for none), ndots 1 and glibc's
// default options. glibc sees the changed fields and uses them instead of resolv.conf.
// Returns -1 if the domain does not fit.
static inline int xmppcli_res_set_fixed(struct __res_state *state, const unsigned char address[4],
                                        in_port_t port, const char *search_domain) {
    if (search_domain != NULL && strlen(search_domain) >= sizeof(state->defdname)) return -1;
    memset(&state->nsaddr_list[0], 0, sizeof(state->nsaddr_list[0]));
    state->nsaddr_list[0].sin_family = AF_INET;
    state->nsaddr_list[0].sin_port = port;
    memcpy(&state->nsaddr_list[0].sin_addr, address, 4);
    state->nscount = 1;
    memset(state->defdname, 0, sizeof(state->defdname));
    for (int index = 0; index <= MAXDNSRCH; index++) state->dnsrch[index] = NULL;
    if (search_domain != NULL && search_domain[0] != '\0') {
        strcpy(state->defdname, search_domain);
        state->dnsrch[0] = state->defdname;
    }
    state->ndots = 1;
    state->options = RES_INIT | RES_DEFAULT;
    return 0;
}

// Why a query failed: res_h_errno holds HOST_NOT_FOUND, NO_DATA, TRY_AGAIN, NO_RECOVERY
// or NETDB_INTERNAL (then errno says more).
static inline int xmppcli_res_h_errno(const struct __res_state *state) { return state->res_h_errno; }
static inline int xmppcli_host_not_found(void) { return HOST_NOT_FOUND; }
static inline int xmppcli_no_data(void) { return NO_DATA; }
static inline int xmppcli_try_again(void) { return TRY_AGAIN; }
static inline int xmppcli_no_recovery(void) { return NO_RECOVERY; }
static inline int xmppcli_netdb_internal(void) { return NETDB_INTERNAL; }

#endif

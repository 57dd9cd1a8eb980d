#ifndef XMPPCLI_COPENSSL_SHIM_H
#define XMPPCLI_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/objects.h>

// OpenSSL exposes these as macros, which Swift cannot call: thin inline wrappers.

static inline long xmppcli_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

static inline long xmppcli_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline long xmppcli_SSL_CTX_set_options(SSL_CTX *ctx, unsigned long options) {
    return SSL_CTX_set_options(ctx, options);
}

static inline long xmppcli_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline int xmppcli_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline int xmppcli_TLS1_3_VERSION(void) { return TLS1_3_VERSION; }
static inline unsigned long xmppcli_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline long xmppcli_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER(void) { return SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; }
static inline long xmppcli_SSL_MODE_ENABLE_PARTIAL_WRITE(void) { return SSL_MODE_ENABLE_PARTIAL_WRITE; }

// Used by the TLS transport (Sources/Protocol/TLS) and its tests.

static inline long xmppcli_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}

static inline long xmppcli_SSL_get_extms_support(SSL *ssl) {
    return SSL_get_extms_support(ssl);
}

static inline int xmppcli_TLS1_1_VERSION(void) { return TLS1_1_VERSION; }
static inline unsigned long xmppcli_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline unsigned long xmppcli_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }
// OCSP stapling (RFC 6066 status_request): ask for it, and read what came (its length; 0 or less: none).
static inline long xmppcli_SSL_request_ocsp_status(SSL *ssl) {
    return SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
}
static inline long xmppcli_SSL_ocsp_response_length(SSL *ssl) {
    const unsigned char *response = NULL;
    return SSL_get_tlsext_status_ocsp_resp(ssl, &response);
}


#endif

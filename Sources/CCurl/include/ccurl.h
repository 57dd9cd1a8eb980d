// libcurl (the OpenSSL flavour) for Protocol/HTTP/HTTPTransfer.swift only, loaded on first
// use: linking it would make every run load it and the dozen libraries it needs (some
// 3.5 ms at each start), though only uploads use it.
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <curl/curl.h>

// Loads libcurl.so.4 and its functions once; 0 on success, else -1 with the reason in
// `reason`. Every function below needs it to have succeeded.
int ccurl_load(char *reason, size_t reason_size);

CURLcode ccurl_global_init(long flags);
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
CURLcode ccurl_easy_perform(CURL *handle);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt and curl_easy_getinfo are variadic: Swift sees these typed ones instead.
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_read(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode ccurl_setopt_write(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode ccurl_setopt_header(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *));
CURLcode ccurl_setopt_progress(CURL *handle, int (*callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode ccurl_setopt_ssl_context(CURL *handle, CURLcode (*callback)(CURL *, void *, void *));
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif

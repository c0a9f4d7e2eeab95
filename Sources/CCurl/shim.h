#ifndef CATALYST_CCURL_SHIM_H
#define CATALYST_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind. */
static inline CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode ccurl_setopt_read_function(CURL *h, ccurl_read_callback f) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, f); }
#endif

/* util.c - the allocation family and address helpers shared by every layer */
#include "tracer.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_hook)(void);

void tr_xalloc_set_fatal_hook(void (*hook)(void))
{
    fatal_hook = hook;
}

static void oom(size_t size)
{
    if (fatal_hook)
        fatal_hook();
    fprintf(stderr, "httpstep: out of memory allocating %zu bytes\n", size);
    exit(4);
}

void *tr_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *tr_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        oom(nmemb * size);
    return p;
}

void *tr_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *tr_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        oom(SIZE_MAX);
    return tr_xrealloc(ptr, nmemb * size);
}

char *tr_xstrdup(const char *s)
{
    return tr_xstrndup(s, strlen(s));
}

char *tr_xstrndup(const char *s, size_t n)
{
    char *p = tr_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void tr_xgrow(void *arr, size_t *cap, size_t need, size_t size)
{
    void **ap = arr;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            oom(SIZE_MAX);
        n *= 2;
    }
    *ap = tr_xreallocarray(*ap, n, size);
    *cap = n;
}

char *tr_addr_format(const struct tr_addr *a, char *buf)
{
    if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->a, buf, TR_ADDRSTRLEN))
        strcpy(buf, "?");
    return buf;
}

bool tr_addr_equal(const struct tr_addr *a, const struct tr_addr *b)
{
    return a->family == b->family && memcmp(a->a, b->a, a->family == 6 ? 16 : 4) == 0;
}

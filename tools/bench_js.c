/* SPDX-License-Identifier: MIT */
/*
 * bench_js.c — runs bench/js/baseline.js (the pure-JavaScript DTW) on the
 * same cases and reads back its JSON, so dtwbench reports "x vs JS" from
 * the same machine and run.
 */
#include "bench_js.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The double after `"key": ` at or after p, or NaN; *end past it. */
static double json_value(const char *p, const char *key, const char **end)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": ", key);
    const char *at = strstr(p, pattern);
    if (!at)
        return NAN;
    char *stop;
    double v = strtod(at + strlen(pattern), &stop);
    *end = stop;
    return stop == at + strlen(pattern) ? NAN : v;
}

/* Reads all of a stream into a NUL-terminated malloc'd buffer. */
static char *slurp(FILE *f)
{
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    while (text) {
        len += fread(text + len, 1, cap - 1 - len, f);
        if (len < cap - 1)
            break;
        char *grown = realloc(text, cap *= 2);
        if (!grown)
            free(text);
        text = grown;
    }
    if (text)
        text[len] = '\0';
    return text;
}

static void parse_cases(const char *text, bench_js_result *out, size_t cap,
                        size_t *count)
{
    *count = 0;
    for (const char *p = strstr(text, "\"case\": \""); p && *count < cap;
         p = strstr(p, "\"case\": \"")) {
        bench_js_result *r = &out[*count];
        p += strlen("\"case\": \"");
        size_t len = strcspn(p, "\"");
        snprintf(r->name, sizeof r->name, "%.*s", (int)len, p);
        const char *end = p;
        r->seconds = json_value(p, "seconds", &end);
        r->result = json_value(end, "result", &end);
        if (isfinite(r->seconds))
            (*count)++;
        p = end;
    }
}

int bench_js_run(const char *script, const char *pairs, const char *batch,
                 int repeats, const hdtw_params *p, bench_js_result *out,
                 size_t cap, size_t *count, char *runtime, size_t runtime_cap)
{
    char command[4096];
    int n = snprintf(command, sizeof command,
                     "node '%s' --pairs '%s' --no-default-batch %s%s "
                     "--repeats %d --cost %s --band %ld",
                     script, pairs, batch ? "--batch " : "",
                     batch ? batch : "", repeats,
                     p->cost == HDTW_COST_SQUARED ? "squared" : "abs",
                     p->band);
    if (n < 0 || (size_t)n >= sizeof command || strchr(script, '\''))
        return -1;
    FILE *node = popen(command, "r");
    if (!node)
        return -1;
    char *text = slurp(node);
    int status = pclose(node);
    if (!text || status != 0) {
        free(text);
        return -1;
    }
    parse_cases(text, out, cap, count);
    const char *rt = strstr(text, "\"runtime\": \"");
    snprintf(runtime, runtime_cap, "%.*s",
             rt ? (int)strcspn(rt + 12, "\"") : 4, rt ? rt + 12 : "node");
    free(text);
    return 0;
}

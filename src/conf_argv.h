/* conf_argv.h: command templates (ban_command, unban_command) expanded for one decision. */
#ifndef CONF_ARGV_H
#define CONF_ARGV_H

#include <stdint.h>

/*
 * Expands a command template (a NULL-terminated argv such as conf.ban_argv) for one
 * decision: in each argument, {ip} becomes ip, {prefix} the decimal prefix, {seconds} the
 * decimal seconds (the ban manager passes 0 for a permanent ban, as ipset's timeout does)
 * and {jail} the jail name; anything else is copied as is. Substitution is textual and only
 * inside arguments: a value is never split, and no shell is involved. ip and jail must not
 * be NULL. Returns a NULL-terminated argv of the same length that the caller frees with
 * conf_argv_free (aborts on OOM).
 */
char **conf_argv_expand(char *const *tmpl, const char *ip, unsigned prefix, int64_t seconds,
                        const char *jail);

/* Frees an argv returned by conf_argv_expand (NULL is ignored). */
void conf_argv_free(char **argv);

#endif

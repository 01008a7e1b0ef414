/* conf_write.h: the effective configuration written back (authwatch daemon -t). */
#ifndef CONF_WRITE_H
#define CONF_WRITE_H

#include <stdio.h>

#include "conf.h"

/*
 * Writes the effective configuration of a loaded c to f in the same INI form: every key,
 * defaults filled in, the loopback entries of allow included; a jail's allow lists only its
 * own entries. Long lists continue on indented lines. Loading the output gives the same
 * configuration. Returns 0, or -1 (errno set) when f reports a write error.
 */
int conf_write(const struct conf *c, FILE *f);

#endif

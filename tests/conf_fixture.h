/* conf_fixture.h: the configuration tests' minimal jail and their loader. */
#ifndef CONF_FIXTURE_H
#define CONF_FIXTURE_H

#include "conf.h"
#include "t.h"

#define JAIL "[sshd]\nsource = /var/log/auth.log\n"

/* Loads text as "t.conf"; a failure is reported (with the error) and leaves *c empty. */
static inline int
load(const char *text, struct conf *c)
{
	char err[1024] = "";

	if (conf_load_string(text, "t.conf", c, err, sizeof(err)) != 0) {
		T_FAIL("refused: %s", err);
		return -1;
	}
	return 0;
}

#endif

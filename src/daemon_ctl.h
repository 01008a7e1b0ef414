/* daemon_ctl.h: the daemon's answers on its control socket. */
#ifndef DAEMON_CTL_H
#define DAEMON_CTL_H

#include "control.h"

/*
 * The control_fn of the daemon (arg: struct daemon *): "status [json] [color]",
 * "bans [json] [color]", "ban ADDR[/P] [SECONDS|0] [JAIL]", "unban ADDR[/P] [JAIL]",
 * "reload". status and bans answer JSON with "json", else text tables (status_view.h),
 * with ANSI colour only when the client asked for it with "color" (its terminal).
 */
void daemon_ctl_request(void *arg, int argc, char **argv, struct control_out *out);

#endif

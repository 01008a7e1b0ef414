/* gen_sshd.c: gen's message families: the line each op writes (sshd, PAM, logind, sudo, sftp). */
#include "gen.h"

static const char *const bye_text[] = {"Bye Bye", "Normal Shutdown, Thank you for playing",
                                       "disconnected by user"};

static const char *const kex_proto[] = {"GET / HTTP/1.1", "MGLNDD_" SERVER_V4 "_22", "SSH-2.0-",
                                        "HELP"};

static const char *const dispatch_why[] = {"message authentication code incorrect",
                                           "Connection corrupted", "invalid format"};

static const char *const nego_what[] = {"key exchange method", "key exchange method",
                                        "key exchange method", "host key type",
                                        "host key type",       "cipher"};
static const char *const nego_offer[] = {
    "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
    "ssh-rsa,ssh-dss",
    "ssh-rsa",
    "aes128-cbc,3des-cbc,aes256-cbc"};

static const char *const penalty_why[] = {
    "penalty: failed authentication",   "penalty: failed authentication",
    "penalty: failed authentication",   "penalty: connections without attempting authentication",
    "penalty: exceeded LoginGraceTime", "past MaxStartups"};

static const char *const sudo_cmds[] = {"/usr/bin/apt update",
                                        "/usr/bin/apt upgrade -y",
                                        "/usr/bin/systemctl restart nginx",
                                        "/usr/bin/systemctl status nginx",
                                        "/usr/bin/journalctl -u nginx -n 100",
                                        "/usr/bin/tail -n 200 /var/log/auth.log",
                                        "/usr/bin/vim /etc/nginx/sites-available/default",
                                        "/usr/sbin/nginx -t",
                                        "/usr/bin/docker ps",
                                        "/usr/bin/fail2ban-client status sshd",
                                        "/bin/bash",
                                        "/usr/bin/certbot renew"};
static const char *const deploy_cmds[] = {"/usr/bin/systemctl restart app.service",
                                          "/usr/bin/systemctl reload nginx"};
static const char *const sftp_files[] = {"site-backup.tar.gz", "db.sql.gz",        "report.pdf",
                                         "photos.zip",         "invoice-0423.pdf", "export.csv"};

/* How many variants op's message has (the script picks c->var below it): 1 for most. */
unsigned
op_variants(enum op op)
{
	switch (op) {
	case OP_KEX_PROTO:
		return NELEM(kex_proto);
	case OP_DISPATCH:
		return NELEM(dispatch_why);
	case OP_NEGOTIATE:
		return NELEM(nego_what);
	case OP_DROP:
		return NELEM(penalty_why);
	default:
		return 1;
	}
}

static char *
put_ap(char *p, const struct conn *c)
{
	p = put(p, c->ip, c->iplen);
	p = PUTL(p, " port ");
	return put_u(p, c->port);
}

static char *
put_from(char *p, const struct conn *c)
{
	p = PUTL(p, " from ");
	return put_ap(p, c);
}

static char *
put_user(char *p, const struct conn *c)
{
	return put(p, c->user, c->ulen);
}

/* "authenticating user U" or "invalid user U". */
static char *
put_quser(char *p, const struct conn *c)
{
	p = c->valid ? PUTL(p, "authenticating user ") : PUTL(p, "invalid user ");
	return put_user(p, c);
}

/* "U" or "invalid user U" as in "Failed password for ...". */
static char *
put_fuser(char *p, const struct conn *c)
{
	if (!c->valid)
		p = PUTL(p, "invalid user ");
	return put_user(p, c);
}

static char *
put_rhost(char *p, const struct conn *c)
{
	p = PUTL(p, "logname= uid=0 euid=0 tty=ssh ruser= rhost=");
	p = put(p, c->ip, c->iplen);
	*p++ = ' ';
	if (c->valid) {
		p = PUTL(p, " user=");
		p = put_user(p, c);
	}
	return p;
}

static char *
put_uid(char *p, const struct conn *c)
{
	p = put_user(p, c);
	p = PUTL(p, "(uid=");
	p = put_u(p, c->uid);
	return PUTL(p, ")");
}

static char *
put_sftp_path(char *p, const struct conn *c)
{
	p = PUTL(p, "\"/home/carol/uploads/");
	p = puts0(p, sftp_files[c->aux]);
	return PUTL(p, "\"");
}

/* Writes the line of one op. */
void
op_emit(struct gen *g, struct conn *c, enum op op)
{
	struct rng *r = &g->r;
	const struct attacker *a = &g->att[c->att];
	char *p;
	switch (op) {
	case OP_SUDO:
	case OP_SUDO_OPEN:
	case OP_SUDO_CLOSE:
		p = line_begin(g, PR_SUDO, 0);
		break;
	case OP_LOGIND_NEW:
	case OP_LOGIND_OUT:
	case OP_LOGIND_RM:
		p = line_begin(g, PR_LOGIND, LOGIND_PID);
		break;
	case OP_CRON_OPEN:
	case OP_CRON_CLOSE:
		p = line_begin(g, PR_CRON, c->pid);
		break;
	case OP_SFTP_SOPEN:
	case OP_SFTP_OPEN:
	case OP_SFTP_CLOSE:
	case OP_SFTP_SCLOSE:
		p = line_begin(g, PR_SFTP, c->pid3);
		break;
	case OP_START_SHELL:
	case OP_START_CMD:
	case OP_SUBSYS:
	case OP_START_SFTP:
	case OP_CLOSE_SESS:
	case OP_TRANSFERRED:
	case OP_RECV_USER:
	case OP_DISC_USER:
		p = line_begin(g, PR_SSHD, c->pid2);
		break;
	default:
		p = line_begin(g, PR_SSHD, c->pid);
		break;
	}

	switch (op) {
	case OP_RDNS:
		p = PUTL(p, "reverse mapping checking getaddrinfo for ");
		p = put(p, a->host, a->hostlen);
		p = PUTL(p, " [");
		p = put(p, c->ip, c->iplen);
		p = PUTL(p, "] failed - POSSIBLE BREAK-IN ATTEMPT!");
		break;
	case OP_INVALID:
		p = PUTL(p, "Invalid user ");
		p = put_user(p, c);
		p = put_from(p, c);
		break;
	case OP_CHECKPASS:
		p = PUTL(p, "pam_unix(sshd:auth): check pass; user unknown");
		break;
	case OP_PAMFAIL:
		p = PUTL(p, "pam_unix(sshd:auth): authentication failure; ");
		p = put_rhost(p, c);
		break;
	case OP_FAILED:
		p = PUTL(p, "Failed password for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2");
		break;
	case OP_REPEATED:
		p = PUTL(p, "message repeated ");
		p = put_u(p, (uint64_t)c->tries - 1);
		p = PUTL(p, " times: [ Failed password for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2]");
		break;
	case OP_MAXEXC:
		p = PUTL(p, "error: maximum authentication attempts exceeded for ");
		p = put_fuser(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2 [preauth]");
		break;
	case OP_TOOMANY:
		p = PUTL(p, "Disconnecting ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, ": Too many authentication failures [preauth]");
		break;
	case OP_PAMMORE:
		p = PUTL(p, "PAM ");
		p = put_u(p, (uint64_t)c->tries - 1);
		p = c->tries == 2 ? PUTL(p, " more authentication failure; ")
		                  : PUTL(p, " more authentication failures; ");
		p = put_rhost(p, c);
		break;
	case OP_IGNMAX:
		p = PUTL(p, "PAM service(sshd) ignoring max retries; ");
		p = put_u(p, c->tries);
		p = PUTL(p, " > 3");
		break;
	case OP_RECV_BYE:
		p = PUTL(p, "Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":11: ");
		p = puts0(p, bye_text[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_JSCH:
		p = PUTL(p, "error: Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":3: com.jcraft.jsch.JSchException: Auth fail [preauth]");
		break;
	case OP_NOAUTH:
		p = PUTL(p, "error: Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":14: No supported authentication methods available [preauth]");
		break;
	case OP_DISC_PREAUTH:
		p = PUTL(p, "Disconnected from ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_CLOSED_USER:
		p = PUTL(p, "Connection closed by ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_RESET_USER:
		p = PUTL(p, "Connection reset by ");
		p = put_quser(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		p = PUTL(p, " [preauth]");
		break;
	case OP_CLOSED:
	case OP_CLOSED_NP:
		p = PUTL(p, "Connection closed by ");
		p = put_ap(p, c);
		if (op == OP_CLOSED)
			p = PUTL(p, " [preauth]");
		break;
	case OP_RESET:
	case OP_RESET_NP:
		p = PUTL(p, "Connection reset by ");
		p = put_ap(p, c);
		if (op == OP_RESET)
			p = PUTL(p, " [preauth]");
		break;
	case OP_KEX_CLOSED:
		p = PUTL(p, "error: kex_exchange_identification: Connection closed by remote host");
		break;
	case OP_KEX_RESET:
		p = PUTL(p, "error: kex_exchange_identification: read: Connection reset by peer");
		break;
	case OP_KEX_PROTO:
		p = PUTL(p, "error: kex_exchange_identification: client sent invalid protocol "
		            "identifier \"");
		p = puts0(p, kex_proto[c->var]);
		*p++ = '"';
		break;
	case OP_KEX_BANNER:
		p = PUTL(p, "error: kex_exchange_identification: banner line contains invalid "
		            "characters");
		break;
	case OP_BANNER:
		p = PUTL(p, "banner exchange: Connection from ");
		p = put_ap(p, c);
		p = PUTL(p, ": invalid format");
		break;
	case OP_NOIDENT:
		p = PUTL(p, "Did not receive identification string from ");
		p = put_ap(p, c);
		break;
	case OP_TIMEOUT:
		p = PUTL(p, "fatal: Timeout before authentication for ");
		p = put_ap(p, c);
		break;
	case OP_DISPATCH:
		p = PUTL(p, "ssh_dispatch_run_fatal: Connection from ");
		p = put_ap(p, c);
		p = PUTL(p, ": ");
		p = puts0(p, dispatch_why[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_NEGOTIATE:
		p = PUTL(p, "Unable to negotiate with ");
		p = put_ap(p, c);
		p = PUTL(p, ": no matching ");
		p = puts0(p, nego_what[c->var]);
		p = PUTL(p, " found. Their offer: ");
		p = puts0(p, nego_offer[c->var]);
		p = PUTL(p, " [preauth]");
		break;
	case OP_DROP:
		p = PUTL(p, "drop connection #");
		p = put_u(p, below(r, 10));
		p = PUTL(p, " from [");
		p = put(p, c->ip, c->iplen);
		p = PUTL(p, "]:");
		p = put_u(p, c->port);
		p = c->fam == FAM_V6 ? PUTL(p, " on [" SERVER_V6 "]:22 ")
		                     : PUTL(p, " on [" SERVER_V4 "]:22 ");
		p = puts0(p, penalty_why[c->var]);
		break;
	case OP_ACCEPT:
		p = lusers[c->lu].password ? PUTL(p, "Accepted password for ")
		                           : PUTL(p, "Accepted publickey for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " ssh2");
		if (!lusers[c->lu].password) {
			p = PUTL(p, ": ");
			p = puts0(p, lusers[c->lu].keytype);
			p = PUTL(p, " SHA256:");
			p = put(p, g->fp[c->lu], 43);
		}
		break;
	case OP_SESS_OPEN:
		p = PUTL(p, "pam_unix(sshd:session): session opened for user ");
		p = put_uid(p, c);
		p = PUTL(p, " by (uid=0)");
		break;
	case OP_LOGIND_NEW:
		p = PUTL(p, "New session ");
		p = put_u(p, c->sess);
		p = PUTL(p, " of user ");
		p = put_user(p, c);
		*p++ = '.';
		break;
	case OP_START_SHELL:
		p = PUTL(p, "Starting session: shell on pts/");
		p = put_u(p, c->tty);
		p = PUTL(p, " for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_START_CMD:
		p = PUTL(p, "Starting session: command for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_SUBSYS:
		p = PUTL(p, "subsystem request for sftp by user ");
		p = put_user(p, c);
		break;
	case OP_START_SFTP:
		p = PUTL(p, "Starting session: subsystem 'sftp' for ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_SUDO: {
		const struct luser *l = &lusers[c->lu];
		for (unsigned i = c->ulen; i < 8; i++)
			*p++ = ' ';
		p = put_user(p, c);
		if (l->kind == LK_SHELL) {
			p = PUTL(p, " : TTY=pts/");
			p = put_u(p, c->tty);
			p = PUTL(p, " ; PWD=");
		} else {
			p = PUTL(p, " : PWD=");
		}
		p = puts0(p, l->pwd);
		p = PUTL(p, " ; USER=root ; COMMAND=");
		p = puts0(p, l->kind == LK_SHELL ? sudo_cmds[below(r, NELEM(sudo_cmds))]
		                                 : deploy_cmds[below(r, NELEM(deploy_cmds))]);
		break;
	}
	case OP_SUDO_OPEN:
		p = PUTL(p, "pam_unix(sudo:session): session opened for user root(uid=0) by ");
		p = put_uid(p, c);
		break;
	case OP_SUDO_CLOSE:
		p = PUTL(p, "pam_unix(sudo:session): session closed for user root");
		break;
	case OP_SFTP_SOPEN:
	case OP_SFTP_SCLOSE:
		p = op == OP_SFTP_SOPEN ? PUTL(p, "session opened for local user ")
		                        : PUTL(p, "session closed for local user ");
		p = put_user(p, c);
		p = PUTL(p, " from [");
		p = put(p, c->ip, c->iplen);
		*p++ = ']';
		break;
	case OP_SFTP_OPEN:
		c->aux = below(r, NELEM(sftp_files));
		c->fsize = (uint64_t)range(r, 1000, 50000000);
		c->recv += c->fsize + c->fsize / 64;
		p = PUTL(p, "open ");
		p = put_sftp_path(p, c);
		p = PUTL(p, " flags WRITE,CREATE,TRUNCATE mode 0644");
		break;
	case OP_SFTP_CLOSE:
		p = PUTL(p, "close ");
		p = put_sftp_path(p, c);
		p = PUTL(p, " bytes read 0 written ");
		p = put_u(p, c->fsize);
		break;
	case OP_CLOSE_SESS:
		p = PUTL(p, "Close session: user ");
		p = put_user(p, c);
		p = put_from(p, c);
		p = PUTL(p, " id 0");
		break;
	case OP_TRANSFERRED:
		p = PUTL(p, "Transferred: sent ");
		p = put_u(p, c->sent);
		p = PUTL(p, ", received ");
		p = put_u(p, c->recv);
		p = PUTL(p, " bytes");
		break;
	case OP_RECV_USER:
		p = PUTL(p, "Received disconnect from ");
		p = put_ap(p, c);
		p = PUTL(p, ":11: disconnected by user");
		break;
	case OP_DISC_USER:
		p = PUTL(p, "Disconnected from user ");
		p = put_user(p, c);
		*p++ = ' ';
		p = put_ap(p, c);
		break;
	case OP_SESS_CLOSE:
		p = PUTL(p, "pam_unix(sshd:session): session closed for user ");
		p = put_user(p, c);
		break;
	case OP_LOGIND_OUT:
		p = PUTL(p, "Session ");
		p = put_u(p, c->sess);
		p = PUTL(p, " logged out. Waiting for processes to exit.");
		break;
	case OP_LOGIND_RM:
		p = PUTL(p, "Removed session ");
		p = put_u(p, c->sess);
		*p++ = '.';
		break;
	case OP_CRON_OPEN:
		p = PUTL(p, "pam_unix(cron:session): session opened for user ");
		p = put_uid(p, c);
		p = PUTL(p, " by (uid=0)");
		break;
	case OP_CRON_CLOSE:
		p = PUTL(p, "pam_unix(cron:session): session closed for user ");
		p = put_user(p, c);
		break;
	}
	line_end(g, p);
}

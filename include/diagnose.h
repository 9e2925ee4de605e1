/*
 * chartty diagnose: what a help desk needs to know, and nothing about
 * anyone's health: versions, the terminal, the locale, whether the
 * portal answers (discovery, TLS, the clock) and whether a keyring does.
 */
#ifndef CHARTTY_DIAGNOSE_H
#define CHARTTY_DIAGNOSE_H

#include <stdio.h>

/*
 * Write the report to out, checking server (NULL: none configured; its
 * certificate also against ca_file when not NULL) and the keyring
 * (unless use_keyring is 0). Signs in to nothing and reads no record.
 * 0 when every check passed, 1 when one failed (the last failure is
 * said at the end).
 */
int	 diagnose_write(FILE *out, const char *server, const char *ca_file,
	     int use_keyring);

#endif

/*
 * The configuration file (src/conf.c), read from memory as conf_load
 * reads a file: a bad line is refused with its number, and what is read
 * keeps its bounds (idle and time-outs in range, accounts named).
 */
#include "config.h"

#include "conf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	 c;
	FILE		*f;
	char		*cause = NULL;
	size_t		 i;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if (conf_read(f, "fuzz.conf", &c, &cause) == 0) {
		FUZZ_CHECK(c.idle == 0 || c.idle >= CONF_IDLE_MIN, "an idle "
		    "sign-out too soon");
		FUZZ_CHECK(c.timeout > 0 && c.timeout <= CONF_TIMEOUT_MAX,
		    "a time-out out of range");
		FUZZ_CHECK(c.download_timeout > 0 && c.download_timeout <=
		    CONF_DOWNLOAD_TIMEOUT_MAX, "a download time-out out of "
		    "range");
		FUZZ_CHECK(c.kiosk.idle >= CONF_KIOSK_IDLE_MIN, "a kiosk idle "
		    "too short");
		for (i = 0; i < c.naccounts; i++) {
			FUZZ_CHECK(c.accounts[i].name != NULL &&
			    *c.accounts[i].name != '\0', "an account with no "
			    "name");
			(void)conf_account(&c, c.accounts[i].name);
		}
		(void)conf_account(&c, NULL);
		conf_free(&c);
	} else
		FUZZ_CHECK(cause != NULL && strncmp(cause, "fuzz.conf, line ",
		    16) == 0, "a refusal that names no line");
	free(cause);
	fclose(f);
	return 0;
}

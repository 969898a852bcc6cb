/* SPDX-License-Identifier: MIT */
/*
 * When the user last did something (typed a command or a message): the
 * answer to last-activity queries (XEP-0012) and the basis of automatic
 * away. A timestamp, no timer. core layer.
 */
#include "idle.h"

static gint64 last_active;

void
idle_touch(void)
{
	last_active = g_get_monotonic_time();
}

/* Seconds since the last activity (since start when there was none). */
gint64
idle_seconds(void)
{
	if (last_active == 0)
		idle_touch();
	return (g_get_monotonic_time() - last_active) / G_USEC_PER_SEC;
}

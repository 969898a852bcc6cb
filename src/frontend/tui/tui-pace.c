/* SPDX-License-Identifier: MIT */
/*
 * Frame pacing: when the next full redraw may happen (PRODUCT §12).
 * Frames are rationed by two rates (the generic cell rate algorithm): at
 * most one per PACE_MIN_MS, with up to PACE_BURST in a row, so that what
 * ends a quiet spell (the roster after login, a reply) is on screen at
 * once, within the 5 ms of PRODUCT §12; and, for what the network
 * brings, at most PACE_STEADY_BURST frames in a row and one per
 * PACE_STEADY_MS after that: a burst of messages scrolls by at 25 frames
 * a second instead of one frame per read (each frame of a room window
 * costs most of a millisecond: half of natter's CPU in a room burst). A
 * frame for a key the user pressed waits for the first rate only. No
 * curses here: the drawing is tui.c's.
 */
#include "tui-internal.h"

#define PACE_MIN_MS 5
#define PACE_BURST 2
#define PACE_STEADY_MS 40
#define PACE_STEADY_BURST 8

struct rate {
	gint64	due;		/* when the rate would have caught up */
	gint64	interval;
	gint64	burst;
};

static struct rate fast_rate = { 0, PACE_MIN_MS, PACE_BURST };
static struct rate steady_rate = { 0, PACE_STEADY_MS, PACE_STEADY_BURST };
static bool for_keys;		/* keys were read since the last frame */

/* Milliseconds until r allows a frame at now (0: now). */
static gint64
rate_wait(const struct rate *r, gint64 now)
{
	return MAX(0, r->due - now - (r->burst - 1) * r->interval);
}

/* A frame drawn at now; a frame r did not wait for adds no debt. */
static void
rate_take(struct rate *r, gint64 now)
{
	r->due = MIN(MAX(r->due, now) + r->interval,
	    now + r->burst * r->interval);
}

/*
 * 0 when a frame may be drawn at now (now loop_now_ms(); the frame is
 * counted), else the milliseconds to wait.
 */
gint64
tui_pace_wait(gint64 now)
{
	gint64 wait = rate_wait(&fast_rate, now);

	if (!for_keys)
		wait = MAX(wait, rate_wait(&steady_rate, now));
	if (wait > 0)
		return wait;
	rate_take(&fast_rate, now);
	rate_take(&steady_rate, now);
	for_keys = false;
	return 0;
}

/* Keys were read: the next frame answers them. */
void
tui_pace_keys(void)
{
	for_keys = true;
}

/* Forget the frames drawn (unit tests). */
void
tui_pace_reset(void)
{
	fast_rate.due = steady_rate.due = 0;
	for_keys = false;
}

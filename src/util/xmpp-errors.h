/* SPDX-License-Identifier: MIT */
#ifndef NATTER_XMPP_ERRORS_H
#define NATTER_XMPP_ERRORS_H

/*
 * One-line explanations of XMPP error conditions (RFC 6120 §8.3.3 for
 * stanzas, §4.9.3 for streams), in plain words, and the usual cause of
 * some of them in a given context. Pure text; no protocol code.
 */

/* What stanza error condition means, or NULL when unknown. */
const char	*xerr_stanza_explain(const char *condition);

/* What stream error condition means, or NULL when unknown. */
const char	*xerr_stream_explain(const char *condition);

/*
 * The usual cause of stanza error condition when it answers a stanza of
 * kind stanza ("message", "presence", "iq"); muc says whether that
 * stanza went to a room (a join, for presence). NULL when there is no
 * usual cause worth saying.
 */
const char	*xerr_likely_cause(const char *condition, const char *stanza,
		    int muc);

/*
 * "what it means; likely cause: ..." for stanza error condition in that
 * context (new string), or NULL when the condition is unknown.
 */
char		*xerr_describe(const char *condition, const char *stanza,
		    int muc);

/*
 * The condition of the stanza error (stream: the stream error) in raw
 * XML text, found by its namespace (new string), or NULL.
 */
char		*xerr_condition_in(const char *xml, int stream);

/*
 * "condition: what it means; likely cause: ..." for the error in raw
 * XML text of a stanza of kind stanza, or NULL when it holds no error
 * condition we can explain (new string).
 */
char		*xerr_explain_xml(const char *xml, const char *stanza, int muc);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The words natter puts under an XMPP error: what its condition means and,
 * when the context usually gives it away, why it happened. The RFC's
 * definitions are said over in our own words, shorter and for users.
 */
#include <glib.h>
#include <string.h>

#include "xmpp-errors.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

struct xerr_text {
	const char	*condition;
	const char	*text;
};

/* RFC 6120 §8.3.3: the 22 stanza error conditions. */
static const struct xerr_text stanza_texts[] = {
	{ "bad-request", "the request was malformed or incomplete" },
	{ "conflict", "the name or resource is already in use" },
	{ "feature-not-implemented",
	  "the recipient does not support this kind of request" },
	{ "forbidden", "you lack the permission to do this" },
	{ "gone", "the recipient no longer lives at this address" },
	{ "internal-server-error",
	  "the server failed on its side while handling the request" },
	{ "item-not-found", "the addressed thing does not exist" },
	{ "jid-malformed", "the address is not a valid XMPP address" },
	{ "not-acceptable",
	  "the recipient refuses the content as it stands" },
	{ "not-allowed", "nobody may do this here" },
	{ "not-authorized", "you must authenticate or prove a right first" },
	{ "policy-violation", "the request breaks a rule of the service" },
	{ "recipient-unavailable",
	  "the recipient is not reachable at the moment" },
	{ "redirect", "the request should go to another address" },
	{ "registration-required",
	  "you must register with the service first" },
	{ "remote-server-not-found",
	  "the recipient's server could not be found or reached" },
	{ "remote-server-timeout",
	  "the recipient's server did not answer in time" },
	{ "resource-constraint",
	  "the recipient is too busy or short of resources right now" },
	{ "service-unavailable",
	  "the recipient does not offer this service (or hides that it "
	  "exists)" },
	{ "subscription-required",
	  "you must be subscribed to the recipient first" },
	{ "undefined-condition", "an error with no standard name" },
	{ "unexpected-request",
	  "the request came at the wrong time or out of order" },
	/* natter's own: no reply came before the deadline */
	{ "timeout", "no answer came back in time" },
};

/* RFC 6120 §4.9.3: the stream error conditions. */
static const struct xerr_text stream_texts[] = {
	{ "bad-format", "the server could not process what we sent" },
	{ "bad-namespace-prefix",
	  "we used an XML namespace prefix the server does not accept" },
	{ "conflict",
	  "another session with the same resource replaced this one" },
	{ "connection-timeout", "the connection was idle for too long" },
	{ "host-gone", "the server no longer serves this domain" },
	{ "host-unknown", "the server does not serve this domain" },
	{ "improper-addressing",
	  "a stanza lacked the addresses the server needs" },
	{ "internal-server-error",
	  "the server failed on its side and closed the stream" },
	{ "invalid-from", "the sender address did not match this session" },
	/* RFC 3920's, dropped by RFC 6120 but still in libstrophe */
	{ "invalid-id", "the stream id was wrong" },
	{ "invalid-namespace", "the stream used the wrong XML namespace" },
	{ "invalid-xml", "we sent XML the server refuses" },
	{ "not-authorized", "we sent data before logging in" },
	{ "not-well-formed", "we sent broken XML" },
	{ "policy-violation", "the session broke a rule of the server" },
	{ "remote-connection-failed",
	  "the server could not reach a backend it needs" },
	{ "reset", "the server restarts the stream (security or "
	  "configuration change)" },
	{ "resource-constraint",
	  "the server is too busy to serve this stream" },
	{ "restricted-xml",
	  "we sent XML features the protocol forbids (comments, DTDs, ...)" },
	{ "see-other-host", "the server asks us to connect elsewhere" },
	{ "system-shutdown", "the server is shutting down" },
	{ "undefined-condition", "a stream error with no standard name" },
	{ "unsupported-encoding", "the server wants UTF-8" },
	{ "unsupported-feature",
	  "the server requires a feature we do not offer" },
	{ "unsupported-stanza-type",
	  "we sent an element the server does not know" },
	{ "unsupported-version",
	  "the server does not speak our XMPP version" },
};

struct xerr_cause {
	const char	*condition;
	const char	*stanza;	/* NULL: any kind */
	int		 muc;		/* -1: either */
	const char	*cause;
};

/* Checked in order; the first match wins. */
static const struct xerr_cause causes[] = {
	{ "remote-server-not-found", NULL, -1, "the domain has no XMPP "
	  "service, or its server (or ours) does not federate" },
	{ "remote-server-timeout", NULL, -1, "the recipient's server is "
	  "down or unreachable from ours" },
	{ "not-allowed", "presence", 1, "the room service refuses users from "
	  "other domains, or the room is closed" },
	{ "registration-required", "presence", 1,
	  "the room is members-only and you are not a member" },
	{ "conflict", "presence", 1, "someone in the room already uses that "
	  "nickname" },
	{ "not-authorized", "presence", 1, "the room needs a password" },
	{ "forbidden", "presence", 1, "you are banned from the room" },
	{ "item-not-found", "presence", 1, "the room does not exist and may "
	  "not be created" },
	{ "service-unavailable", "presence", 1, "the room is full or does "
	  "not exist" },
	{ "service-unavailable", "message", 0, "the account does not exist, "
	  "or it refuses messages from you" },
	{ "item-not-found", "message", 0, "the account does not exist" },
	{ "not-allowed", "message", 0, "your server does not talk to other "
	  "domains (server-to-server is off), or a rule blocks the message" },
	{ "not-acceptable", "message", 1, "you are not in the room (or not "
	  "allowed to speak there)" },
	{ "forbidden", "message", 1, "you have no voice in the room" },
	{ "service-unavailable", "iq", -1, "the recipient does not support "
	  "this request or does not exist" },
	{ "feature-not-implemented", "iq", -1, "the recipient's software "
	  "lacks this feature" },
	{ "subscription-required", NULL, -1, "the recipient only answers "
	  "contacts who see its presence" },
};

static const char *
lookup(const struct xerr_text *t, size_t n, const char *condition)
{
	size_t i;

	if (condition == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(t[i].condition, condition) == 0)
			return t[i].text;
	return NULL;
}

const char *
xerr_stanza_explain(const char *condition)
{
	return lookup(stanza_texts, NITEMS(stanza_texts), condition);
}

const char *
xerr_stream_explain(const char *condition)
{
	return lookup(stream_texts, NITEMS(stream_texts), condition);
}

const char *
xerr_likely_cause(const char *condition, const char *stanza, int muc)
{
	size_t i;

	if (condition == NULL)
		return NULL;
	for (i = 0; i < NITEMS(causes); i++) {
		const struct xerr_cause *c = &causes[i];

		if (strcmp(c->condition, condition) != 0)
			continue;
		if (c->stanza != NULL && (stanza == NULL ||
		    strcmp(c->stanza, stanza) != 0))
			continue;
		if (c->muc != -1 && c->muc != (muc != 0))
			continue;
		return c->cause;
	}
	return NULL;
}

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"

/* The local name of the tag that opens before at (new), or NULL. */
static char *
tag_before(const char *xml, const char *at)
{
	const char *lt = at, *name, *end;

	while (lt > xml && *lt != '<')
		lt--;
	if (*lt != '<')
		return NULL;
	name = lt + 1;
	end = name + strcspn(name, " \t\r\n/>");
	if (end > at)
		return NULL;
	for (const char *c = name; c < end; c++)
		if (*c == ':')
			name = c + 1;
	return name < end ? g_strndup(name, (gsize)(end - name)) : NULL;
}

char *
xerr_condition_in(const char *xml, int stream)
{
	const char *ns = stream ? NS_STREAMS : NS_STANZAS;
	const char *at = xml;

	if (xml == NULL)
		return NULL;
	/* the condition shares its namespace with <text/>: skip that */
	while ((at = strstr(at, ns)) != NULL) {
		char *name = tag_before(xml, at);

		if (name != NULL && strcmp(name, "text") != 0)
			return name;
		g_free(name);
		at += strlen(ns);
	}
	return NULL;
}

char *
xerr_describe(const char *condition, const char *stanza, int muc)
{
	const char *means = xerr_stanza_explain(condition);
	const char *cause = xerr_likely_cause(condition, stanza, muc);

	if (means == NULL)
		return NULL;
	return g_strdup_printf("%s%s%s", means, cause != NULL ?
	    "; likely cause: " : "", cause != NULL ? cause : "");
}

char *
xerr_explain_xml(const char *xml, const char *stanza, int muc)
{
	int stream = stanza == NULL;
	g_autofree char *cond = xerr_condition_in(xml, stream);
	g_autofree char *what = stream ? g_strdup(xerr_stream_explain(cond)) :
	    xerr_describe(cond, stanza, muc);

	return what != NULL ? g_strdup_printf("%s: %s", cond, what) : NULL;
}

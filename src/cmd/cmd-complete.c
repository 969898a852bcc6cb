/* SPDX-License-Identifier: MIT */
/*
 * Tab completion engine: finds the word under the cursor, the command and
 * argument position it belongs to, and asks that position's completer of
 * the table entry. Front ends only display the candidates. cmd layer.
 */
#include <string.h>

#include "cmd-entries.h"
#include "core/account.h"
#include "core/certstore.h"
#include "core/events.h"
#include "core/prefs.h"
#include "core/room.h"
#include "core/roster.h"
#include "core/windows.h"
#include "util/str.h"
#include "util/themes.h"

static void
add_if(GPtrArray *out, const char *cand, const char *prefix)
{
	if (g_str_has_prefix(cand, prefix))
		g_ptr_array_add(out, g_strdup(cand));
}

static void
complete_themes(const char *prefix, GPtrArray *out)
{
	g_autoptr(GPtrArray) names = themes_list();
	guint i;

	for (i = 0; i < names->len; i++)
		add_if(out, g_ptr_array_index(names, i), prefix);
}

static void
complete_with(enum cmd_completer c, const struct cmd_entry *e,
    const char *prefix, GPtrArray *out)
{
	GPtrArray *l;
	size_t i;

	switch (c) {
	case CMD_COMPLETE_SUBCMD:
		for (i = 0; e->subcmds != NULL && e->subcmds[i] != NULL; i++)
			add_if(out, e->subcmds[i]->name, prefix);
		break;
	case CMD_COMPLETE_ACCOUNT:
		l = accounts_list();
		for (i = 0; i < l->len; i++)
			add_if(out, ((struct account *)
			    g_ptr_array_index(l, i))->name, prefix);
		break;
	case CMD_COMPLETE_PREF:
		for (i = 0; i < pref_table_len; i++)
			add_if(out, pref_table[i].name, prefix);
		break;
	case CMD_COMPLETE_ACCOUNT_KEY:
		for (i = 0; account_keys[i] != NULL; i++)
			add_if(out, account_keys[i], prefix);
		break;
	case CMD_COMPLETE_FINGERPRINT:
		l = certstore_list();
		for (i = 0; i < l->len; i++)
			add_if(out, ((struct cert_trust *)
			    g_ptr_array_index(l, i))->fingerprint, prefix);
		break;
	case CMD_COMPLETE_CONTACT:
		l = accounts_list();
		for (i = 0; i < l->len; i++) {
			struct account *acc = g_ptr_array_index(l, i);
			g_autoptr(GPtrArray) items = roster_items(acc->roster);
			guint j;

			for (j = 0; j < items->len; j++) {
				struct roster_item *it =
				    g_ptr_array_index(items, j);

				add_if(out, it->jid, prefix);
				if (it->name != NULL)
					add_if(out, it->name, prefix);
			}
		}
		break;
	case CMD_COMPLETE_WORDS:
		for (i = 0; e->words != NULL && e->words[i] != NULL; i++)
			add_if(out, e->words[i], prefix);
		break;
	case CMD_COMPLETE_THEME:
		complete_themes(prefix, out);
		break;
	case CMD_COMPLETE_WINDOW:	/* the front end's, as the core has them */
		for (i = 0; i < windows_count(); i++)
			add_if(out, windows_nth((guint)i)->name, prefix);
		break;
	case CMD_COMPLETE_EVENT:
		for (i = 0; i < EV__COUNT; i++)
			add_if(out, ev_kind_info(i)->name, prefix);
		break;
	case CMD_COMPLETE_COMMAND:
		for (i = 0; cmd_table[i] != NULL; i++)
			add_if(out, cmd_table[i]->name, prefix);
		/* FALLTHROUGH */
	case CMD_COMPLETE_ALIAS: {
		g_autoptr(GPtrArray) names = cmd_alias_names();

		for (i = 0; i < names->len; i++)
			add_if(out, names->pdata[i], prefix);
		break;
	}
	default:
		break;
	}
}

static enum cmd_completer
completer_at(const struct cmd_entry *e, int pos)
{
	int i;

	if (e->complete == NULL)
		return CMD_COMPLETE_NONE;
	for (i = 0; i < pos; i++)
		if (e->complete[i] == CMD_COMPLETE_NONE)
			return CMD_COMPLETE_NONE;
	return e->complete[pos];
}

static const struct cmd_entry *
sub_named(const struct cmd_entry *e, const char *name)
{
	size_t i;

	for (i = 0; e->subcmds != NULL && e->subcmds[i] != NULL; i++)
		if (strcmp(e->subcmds[i]->name, name) == 0)
			return e->subcmds[i];
	return NULL;
}

static gint
by_recent(gconstpointer a, gconstpointer b)
{
	const struct occupant *x = *(const struct occupant *const *)a;
	const struct occupant *y = *(const struct occupant *const *)b;

	if (x->last_spoke != y->last_spoke)
		return x->last_spoke > y->last_spoke ? -1 : 1;
	return g_utf8_collate(x->nick, y->nick);
}

/*
 * Nicks of a room for the word being typed, most recent speakers first;
 * at the start of the line a nick gets ": " (readline adds the space),
 * and an empty line offers the last speaker only.
 */
static void
complete_nicks(struct room *r, const char *prefix, bool at_start,
    GPtrArray *out)
{
	g_autoptr(GPtrArray) occ = room_occupants(r);
	g_autofree char *fold = g_utf8_casefold(prefix, -1);
	guint i;

	g_ptr_array_sort(occ, by_recent);
	for (i = 0; i < occ->len; i++) {
		struct occupant *o = g_ptr_array_index(occ, i);
		g_autofree char *nf = g_utf8_casefold(o->nick, -1);

		if (g_strcmp0(o->nick, r->nick) == 0 ||
		    !g_str_has_prefix(nf, fold))
			continue;
		g_ptr_array_add(out, at_start ? g_strconcat(o->nick, ":",
		    NULL) : g_strdup(o->nick));
		if (*prefix == '\0' && at_start)
			break;
	}
}

/*
 * Candidates (new array of new strings) for the word that ends at point in
 * line; *start receives the byte offset where that word begins. account
 * and peer are the window's (for nicks in a room); either may be NULL.
 * Commands and arguments are sorted; nicks come most recent first.
 */
GPtrArray *
cmd_complete(const char *line, size_t point, size_t *start,
    const char *account, const char *peer)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *head = g_strndup(line, point);
	g_auto(GStrv) words = NULL;
	const char *ws = strrchr(head, ' ');
	const struct cmd_entry *e, *sub;
	const char *prefix;
	int n, pos;
	size_t i;

	*start = ws != NULL ? (size_t)(ws - head + 1) : 0;
	prefix = head + *start;
	if (head[0] != '/') {
		struct room *r = room_find(account, peer);

		if (r != NULL)
			complete_nicks(r, prefix, ws == NULL, out);
		return out;
	}
	if (ws == NULL) {
		complete_with(CMD_COMPLETE_COMMAND, NULL, prefix + 1, out);
		for (i = 0; i < out->len; i++) {	/* with their '/' */
			char *c = g_strconcat("/", (char *)out->pdata[i], NULL);

			g_free(out->pdata[i]);
			out->pdata[i] = c;
		}
		g_ptr_array_sort(out, str_ptr_cmp);
		return out;
	}
	words = g_strsplit_set(head + 1, " ", -1);
	n = (int)g_strv_length(words);	/* last word is the prefix */
	e = cmd_find(words[0]);
	if (e == NULL)
		return out;
	pos = 0;
	for (i = 1; (int)i < n - 1; i++) {
		if (words[i][0] == '\0')
			continue;
		sub = pos == 0 ? sub_named(e, words[i]) : NULL;
		if (sub != NULL) {
			e = sub;
			continue;
		}
		pos++;
	}
	sub = pos == 1 && e == &cmd_help_entry ? cmd_find(words[1]) : NULL;
	if (sub != NULL && sub->subcmds != NULL && sub->subcmds[0] != NULL)
		complete_with(CMD_COMPLETE_SUBCMD, sub, prefix, out);
	else if (pos == 0 && e->subcmds != NULL && e->subcmds[0] != NULL)
		complete_with(CMD_COMPLETE_SUBCMD, e, prefix, out);
	else
		complete_with(completer_at(e, pos), e, prefix, out);
	g_ptr_array_sort(out, str_ptr_cmp);
	return out;
}

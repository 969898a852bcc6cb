/* SPDX-License-Identifier: MIT */
/*
 * The input line: GNU readline in callback mode, drawn by natter inside
 * curses (readline never writes to the terminal itself). Bytes from stdin
 * are buffered and fed to rl_callback_read_char(). natter's actions are
 * named readline functions (natter-scroll-up, natter-window-1, ...) that
 * users can rebind in ~/.inputrc or $XDG_CONFIG_HOME/natter/inputrc
 * ("$if natter"). A masked mode reads passwords without echo or history.
 * frontend/tui layer.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "cmd/cmd.h"
#include "core/loop.h"
#include "core/xmlcon.h"
#include "tui-internal.h"
#include "util/sanitize.h"
#include "util/trace.h"
#include "util/xdg.h"

#define INPUT_BUF_MAX 65536

static GString *pending;	/* bytes read, not yet given to readline */
static size_t pending_pos;
static guint stdin_id;
static FILE *devnull;
static void (*secret_fn)(const char *, void *);
static void *secret_data;
static char *saved_prompt;

static void on_line(char *line);

/* Alt-j NN: digits typed so far (jump_digits > 0 while it waits). */
static int jump_digits;
static guint jump_value;

static void
jump_end(bool go)
{
	if (go && jump_value >= 1)
		tui_win_focus(jump_value - 1);
	jump_digits = 0;
	jump_value = 0;
	tui_mark_dirty();
}

/*
 * Give c to a pending Alt-j: two digits jump at once, one digit and Enter
 * jump, anything else cancels. True when c was taken.
 */
static bool
jump_feed(char c)
{
	if (jump_digits == 0)
		return false;
	if (g_ascii_isdigit(c)) {
		jump_value = jump_value * 10 + (guint)(c - '0');
		if (++jump_digits > 2)
			jump_end(true);
		else
			tui_mark_dirty();
		return true;
	}
	jump_end(c == '\r' || c == '\n');
	return true;
}

/* A line to put in the input once readline's line handler returned. */
static char *preset;
static bool in_handler;

static void
apply_preset(void)
{
	if (preset == NULL)
		return;
	rl_replace_line(preset, 0);
	rl_point = rl_end;
	g_clear_pointer(&preset, g_free);
	tui_draw_input_now();
}

static int
input_getc(FILE *f)
{
	if (pending_pos >= pending->len)
		return EOF;
	return (unsigned char)pending->str[pending_pos++];
}

static int
input_available(void)
{
	return pending_pos < pending->len;
}

static void
stdin_cb(int fd, short revents, void *data)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			loop_quit(0);	/* terminal gone */
		return;
	}
	g_string_append_len(pending, buf, n);
	while (pending_pos < pending->len && !loop_quitting()) {
		if (jump_feed(pending->str[pending_pos])) {
			pending_pos++;
			continue;
		}
		rl_callback_read_char();
		apply_preset();
	}
	if (secret_fn == NULL && rl_line_buffer != NULL &&
	    *rl_line_buffer != '\0' && *rl_line_buffer != '/')
		tui_chat_typed();
	g_string_truncate(pending, 0);
	pending_pos = 0;
	tui_frame_for_keys();
}

/* Draw prompt and line at row, scrolled so the cursor is visible. */
void
tui_input_draw(int row, int cols)
{
	const char *prompt = rl_display_prompt != NULL ? rl_display_prompt : "";
	g_autofree char *before = g_strndup(rl_line_buffer, rl_point);
	g_autofree char *shown = NULL, *shown_before = NULL;
	size_t pw, cw;
	const char *p;
	int off = 0;

	if (jump_digits > 0) {
		attrset(tui_theme_attr(TUI_INPUT));
		move(row, 0);
		clrtoeol();
		if (jump_digits > 1)
			mvprintw(row, 0, "go to window: %u", jump_value);
		else
			mvaddstr(row, 0, "go to window: ");
		return;
	}

	if (secret_fn != NULL) {
		shown = g_strnfill(g_utf8_strlen(rl_line_buffer, -1), '*');
		shown_before = g_strnfill(g_utf8_strlen(before, -1), '*');
	} else {
		shown = sanitize_text(rl_line_buffer, (size_t)-1,
		    SANITIZE_ONE_LINE);
		shown_before = sanitize_text(before, (size_t)-1,
		    SANITIZE_ONE_LINE);
	}
	pw = sanitize_width(prompt);
	cw = sanitize_width(shown_before);
	/* Skip characters from the left until the cursor fits. */
	p = shown;
	while (pw + cw - off >= (size_t)cols && *p != '\0') {
		gunichar c = g_utf8_get_char(p);

		off += g_unichar_iswide(c) ? 2 : 1;
		p = g_utf8_next_char(p);
	}
	attrset(tui_theme_attr(TUI_INPUT));
	move(row, 0);
	clrtoeol();
	mvaddnstr(row, 0, prompt, -1);
	addnstr(p, -1);
	move(row, 0);
	move(row, (int)MIN(pw + cw - off, (size_t)cols - 1));
}

static void
redisplay(void)
{
	tui_draw_input_now();
}

static char **
complete(const char *text, int start, int end)
{
	size_t wstart;
	GPtrArray *c;
	char **m;
	guint i;

	rl_attempted_completion_over = 1;
	c = cmd_complete(rl_line_buffer, (size_t)rl_point, &wstart,
	    tui_win_current()->account, tui_win_current()->peer);
	if (c->len == 0) {
		g_ptr_array_unref(c);
		return NULL;
	}
	/* readline wants the common prefix first, then the matches. */
	m = calloc(c->len + 2, sizeof *m);
	for (i = 0; i < c->len; i++)
		m[i + 1] = strdup(g_ptr_array_index(c, i));
	if (c->len == 1) {
		m[0] = m[1];
		m[1] = NULL;
	} else {
		size_t n = strlen(m[1]);

		for (i = 2; i <= c->len; i++) {
			size_t k = 0;

			while (k < n && m[1][k] == m[i][k])
				k++;
			n = k;
		}
		m[0] = strndup(m[1], n);
	}
	g_ptr_array_unref(c);
	return m;
}

static void
show_matches(char **matches, int n, int maxlen)
{
	GString *s = g_string_new(NULL);
	int i;

	for (i = 1; i <= n; i++)
		g_string_append_printf(s, "%s%s", i > 1 ? "  " : "",
		    matches[i]);
	tui_win_print(tui_win_current(), TUI_INFO, "%s", s->str);
	g_string_free(s, TRUE);
	rl_forced_update_display();
}

static int
fn_scroll_up(int count, int key)
{
	TRACE_NOW("key PgUp");
	tui_win_scroll(1);
	return 0;
}

static int
fn_scroll_down(int count, int key)
{
	TRACE_NOW("key PgDn");
	tui_win_scroll(-1);
	return 0;
}

static int
fn_redraw(int count, int key)
{
	clearok(curscr, TRUE);
	tui_mark_dirty();
	return 0;
}

static int
fn_window(int count, int key)
{
	int n = key == '0' ? 10 : key - '0';

	tui_win_focus((guint)n - 1);
	return 0;
}

static int
fn_next(int count, int key)
{
	guint n = tui_win_count();

	tui_win_focus((tui_win_current_index() + 1) % n);
	return 0;
}

static int
fn_prev(int count, int key)
{
	guint n = tui_win_count();

	tui_win_focus((tui_win_current_index() + n - 1) % n);
	return 0;
}

/* Alt-PgUp/PgDn: the side pane of this window (roster or occupants). */
static int
fn_roster_up(int count, int key)
{
	if (tui_win_current()->kind == TUI_WIN_ROOM)
		tui_occupants_scroll(-1);
	else
		tui_roster_scroll(-1);
	return 0;
}

static int
fn_roster_down(int count, int key)
{
	if (tui_win_current()->kind == TUI_WIN_ROOM)
		tui_occupants_scroll(1);
	else
		tui_roster_scroll(1);
	return 0;
}

static int
fn_next_active(int count, int key)
{
	guint n = tui_win_count(), i, best = G_MAXUINT;
	enum tui_activity level = TUI_ACT_NONE;

	for (i = 1; i <= n; i++) {
		guint k = (tui_win_current_index() + i) % n;
		struct tui_win *w = tui_win_nth(k);

		if (w->activity > level) {
			level = w->activity;
			best = k;
		}
	}
	if (best != G_MAXUINT)
		tui_win_focus(best);
	return 0;
}

static int
fn_jump(int count, int key)
{
	jump_digits = 1;
	jump_value = 0;
	tui_mark_dirty();
	return 0;
}

/* Alt-v in the XML console: received stanzas as sent or as parsed. */
static int
fn_xml_view(int count, int key)
{
	if (tui_win_current()->kind != TUI_WIN_XMLCON)
		return 0;
	tui_run_line(xmlcon_view_raw() ? "/xmlconsole view parsed" :
	    "/xmlconsole view raw");
	return 0;
}

static int
fn_newline(int count, int key)
{
	rl_insert_text("\n");
	return 0;
}

static void
bind(const char *name, rl_command_func_t *fn, const char *const *seqs)
{
	rl_add_defun(name, fn, -1);
	for (; *seqs != NULL; seqs++)
		rl_bind_keyseq(*seqs, fn);
}

static void
bind_keys(void)
{
	static const char *const up[] = { "\033[5~", NULL };
	static const char *const down[] = { "\033[6~", NULL };
	static const char *const redraw[] = { "\014", NULL };
	static const char *const next[] = { "\033[1;3C", "\033\033[C",
		"\016", NULL };
	static const char *const prev[] = { "\033[1;3D", "\033\033[D",
		"\020", NULL };
	static const char *const nl[] = { "\033\r", NULL };
	static const char *const roster_up[] = { "\033[5;3~", "\033\033[5~",
		NULL };
	static const char *const roster_down[] = { "\033[6;3~",
		"\033\033[6~", NULL };
	static const char *const next_active[] = { "\033a", "\033A", NULL };
	static const char *const jump[] = { "\033j", NULL };
	static const char *const xml_view[] = { "\033v", NULL };
	/* readline keeps the name pointers: they must outlive it. */
	static char names[10][24];
	char seq[3];
	int i;

	bind("natter-scroll-up", fn_scroll_up, up);
	bind("natter-scroll-down", fn_scroll_down, down);
	bind("natter-redraw", fn_redraw, redraw);
	bind("natter-next-window", fn_next, next);
	bind("natter-previous-window", fn_prev, prev);
	bind("natter-insert-newline", fn_newline, nl);
	bind("natter-roster-up", fn_roster_up, roster_up);
	bind("natter-roster-down", fn_roster_down, roster_down);
	bind("natter-next-active", fn_next_active, next_active);
	bind("natter-jump-window", fn_jump, jump);
	bind("natter-xmlconsole-view", fn_xml_view, xml_view);
	for (i = 0; i < 10; i++) {
		const char *const seqs[] = { seq, NULL };

		g_snprintf(names[i], sizeof names[i], "natter-window-%d", i + 1);
		seq[0] = '\033';
		seq[1] = (char)('0' + (i + 1) % 10);
		seq[2] = '\0';
		bind(names[i], fn_window, seqs);
	}
}

static void
on_line(char *line)
{
	struct tui_win *w = tui_win_current();
	void (*fn)(const char *, void *) = secret_fn;

	if (fn != NULL) {
		secret_fn = NULL;
		rl_set_prompt(saved_prompt != NULL ? saved_prompt : "");
		g_clear_pointer(&saved_prompt, g_free);
		fn(line != NULL ? line : "", secret_data);
		if (line != NULL)
			memset(line, 0, strlen(line));
		free(line);
		return;
	}
	if (line == NULL)
		return;		/* Ctrl-D on an empty line */
	TRACE_NOW("input");
	if (*line != '\0') {
		if (!cmd_line_is_secret(line))
			add_history(line);
		tui_win_unscroll(w);
		if (w->paused_timer != 0)
			loop_remove_timer(w->paused_timer);
		w->paused_timer = 0;
		w->sent_composing = false;	/* the message says active */
		in_handler = true;
		tui_run_line(line);
		in_handler = false;
	}
	free(line);
}

/*
 * Read the next line masked (no echo, no history) and give it to fn.
 * Returns false when another masked read is in progress.
 */
bool
tui_input_ask_secret(const char *prompt, void (*fn)(const char *, void *),
    void *data)
{
	if (secret_fn != NULL)
		return false;
	secret_fn = fn;
	secret_data = data;
	saved_prompt = g_strdup(rl_prompt);
	rl_set_prompt(prompt);
	rl_replace_line("", 0);
	tui_draw_input_now();
	return true;
}

/* Replace the input line with text, cursor at its end (a recall). */
void
tui_input_set_line(const char *text)
{
	g_free(preset);
	preset = g_strdup(text);
	/* readline empties the line after its handler: apply it then. */
	if (!in_handler)
		apply_preset();
}

/* Set up readline in callback mode on stdin. */
bool
tui_input_init(char **error)
{
	g_autofree char *rc = xdg_path(XDG_CONFIG, "inputrc");

	pending = g_string_new(NULL);
	devnull = fopen("/dev/null", "w");
	rl_readline_name = "natter";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = input_getc;
	rl_input_available_hook = input_available;
	rl_redisplay_function = redisplay;
	rl_instream = stdin;
	rl_outstream = devnull;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_completer_word_break_characters = (char *)" ";
	rl_completion_append_character = ' ';
	rl_erase_empty_line = 0;
	bind_keys();
	rl_callback_handler_install("> ", on_line);
	if (g_file_test(rc, G_FILE_TEST_EXISTS))
		(void)rl_read_init_file(rc);
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	stdin_id = loop_add_fd(STDIN_FILENO, POLLIN, stdin_cb, NULL);
	(void)error;
	return true;
}

/* Tear readline down. */
void
tui_input_free(void)
{
	if (stdin_id != 0)
		loop_remove_fd(stdin_id);
	stdin_id = 0;
	rl_callback_handler_remove();
	g_clear_pointer(&preset, g_free);
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) & ~O_NONBLOCK);
	if (devnull != NULL)
		fclose(devnull);
	devnull = NULL;
	if (pending != NULL)
		g_string_free(pending, TRUE);
	pending = NULL;
	g_clear_pointer(&saved_prompt, g_free);
}

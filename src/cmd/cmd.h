/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_H
#define NATTER_CMD_H

/*
 * The command layer's public header: the command table (each entry with
 * its help, completion, declared target and options), the parser, the
 * context that routes output, and the ops a front end registers for what
 * only it can answer (its windows, masked prompts). Requests for windows
 * travel as core events instead (see struct cmd_ui_ops).
 */
#include <glib.h>
#include <stdbool.h>

enum cmd_status {
	CMD_OK,
	CMD_ERROR,
	CMD_PENDING,
};

enum cmd_flags {
	CMD_ONLINE = 1 << 0,		/* needs a connected account */
	CMD_TUI = 1 << 1,		/* only meaningful in the TUI */
	CMD_SCRIPT_SAFE = 1 << 2,	/* allowed in scripts, control, hooks */
	CMD_SECRET_ARGS = 1 << 3,	/* never echoed or logged */
	CMD_RAW_ARGS = 1 << 4,		/* not split: argv[0] is the raw text */
	CMD_OPTS_ANYWHERE = 1 << 5,	/* options may follow arguments too
					   (cmd_args_rest() then gives one
					   word) */
};

enum cmd_origin {
	CMD_FROM_TUI,
	CMD_FROM_BATCH,
	CMD_FROM_SCRIPT,
	CMD_FROM_CONTROL,
	CMD_FROM_HOOK,
};

/* Completers for an argument position. */
enum cmd_completer {
	CMD_COMPLETE_NONE,
	CMD_COMPLETE_COMMAND,
	CMD_COMPLETE_ACCOUNT,
	CMD_COMPLETE_PREF,
	CMD_COMPLETE_ACCOUNT_KEY,
	CMD_COMPLETE_FINGERPRINT,
	CMD_COMPLETE_WINDOW,
	CMD_COMPLETE_SUBCMD,
	CMD_COMPLETE_CONTACT,
	CMD_COMPLETE_WORDS,	/* the entry's words[] */
	CMD_COMPLETE_THEME,	/* theme names (user and bundled) */
	CMD_COMPLETE_ALIAS,	/* alias names */
	CMD_COMPLETE_EVENT,	/* event kinds (events.c's table) */
	CMD_COMPLETE__COUNT,
};

struct cmd_arg_doc {
	const char	*form;
	const char	*meaning;
};

/*
 * What a command acts on, declared in its entry and resolved by dispatch
 * before the handler runs (tmux's per-command target). A handler reads
 * the result from ctx->acc and ctx->room; when the target is missing,
 * dispatch prints the standard error and the handler never runs.
 */
enum cmd_target {
	CMD_TARGET_NONE,	/* resolves nothing */
	CMD_TARGET_ACCOUNT,	/* ctx->acc: the window's or default account */
	CMD_TARGET_ROOM,	/* ctx->acc, ctx->room: the window's room
				   ("works in a room window") */
	CMD_TARGET_CONVERSATION,	/* ctx->acc, and ctx->peer set: the
					   window's contact or room ("works
					   in a chat window") */
};

/*
 * One option of a command (tmux's args template, with long names):
 * "-o", "--json", "-t SECONDS". Options come before the other arguments;
 * "--" ends them, and so does the first word that is not a declared
 * option (a negative number, or a COMMAND that starts with '-').
 */
struct cmd_option {
	char		 name;		/* short name: 'o' for -o; 0: none */
	const char	*long_name;	/* "json" for --json, or NULL */
	const char	*value;		/* its value's name ("SECONDS"), or
					   NULL for a flag */
	long		 min, max;	/* max > min: the value is a number
					   in [min, max] */
	const char	*meaning;	/* shown by help and the man page */
};

#define CMD_OPTIONS_MAX 8	/* options of one entry */

/* Parsed arguments: argv[argc] is NULL; offsets index the raw line. */
struct cmd_args {
	int		 argc;
	char		**argv;		/* owned */
	size_t		*offsets;	/* owned: start of argv[i] in raw */
	char		*raw;		/* owned: text after the command name */
	/* The entry's options, parsed by dispatch (cmd_opt_*): */
	const struct cmd_option *opt_table;	/* borrowed, or NULL */
	unsigned	 opt_given;		/* bit i: opt_table[i] */
	const char	*opt_value[CMD_OPTIONS_MAX];	/* borrowed */
	long		 opt_number[CMD_OPTIONS_MAX];
	char		**opt_words;	/* owned: CMD_RAW_ARGS words */
	char		*opt_argv[2];	/* argv of a CMD_RAW_ARGS entry */
	char		**opt_kept;	/* owned array, borrowed words:
					   CMD_OPTS_ANYWHERE arguments */
	size_t		*opt_offsets;	/* owned: their offsets */
};

struct cmd_ctx;
struct cmd_entry;

typedef enum cmd_status cmd_exec_fn(struct cmd_ctx *, const struct cmd_args *);

struct cmd_entry {
	const char			*name;
	const char *const		*synopsis;	/* NULL-terminated */
	const char			*description;
	const struct cmd_arg_doc	*args;		/* {NULL} terminated */
	const char *const		*examples;	/* NULL-terminated */
	const struct cmd_entry *const	*subcmds;	/* NULL-terminated */
	int				 min_args, max_args; /* -1: any */
	const enum cmd_completer	*complete;	/* per position, NONE
							   terminated */
	const char *const		*words;		/* for COMPLETE_WORDS */
	const char			*secret_word;	/* the argument after
							   it is a secret */
	unsigned			 flags;
	enum cmd_target			 target;
	const struct cmd_option		*options;	/* {0} terminated */
	cmd_exec_fn			*exec;
};

/* Where a command's output goes (STYLE §5: cmdq_error routing). */
struct cmd_sink {
	void	(*print)(struct cmd_ctx *ctx, const char *text);
	void	(*error)(struct cmd_ctx *ctx, const char *text);
	void	(*done)(struct cmd_ctx *ctx, enum cmd_status status);
};

struct cmd_ctx {
	int			 refs;
	enum cmd_origin		 origin;
	char			*account;	/* owned: target account name */
	char			*peer;		/* owned: target JID or room */
	char			*name;		/* owned: command name */
	const struct cmd_sink	*sink;
	void			*sink_data;
	bool			 finished;
	bool			 errored;	/* cmd_error() was called */
	char			*result;	/* owned: why a pending command failed */
	const struct cmd_entry	*entry;
	/* The entry's target, resolved by dispatch; borrowed and valid
	 * only while the handler runs (a pending one looks them up again). */
	struct account		*acc;
	struct room		*room;
};

/* One window, as /wins lists it. */
struct cmd_win_info {
	const char	*name;
	const char	*account;	/* or NULL */
	guint		 unread;	/* lines added since last read */
	bool		 highlight;	/* a mention or private message */
	bool		 current;
};

/*
 * What only the front end can answer or do, registered at start
 * (cmd_set_ui_ops()). Opening, focusing and scrolling windows is NOT
 * here: commands announce it with core events (EV_WINDOW_OPEN, _JUMP,
 * _HISTORY) that the TUI acts on and batch mode and control clients see,
 * as irssi's front end creates a query window when the core announces
 * the query. What stays is what an event cannot do:
 * - target, win_info, theme: queries; the answer is the front end's own
 *   data (the current window; the windows with their unread counts for
 *   /wins and /unread; the theme in use and its elements);
 * - win_select, win_close, win_clear: act on front-end windows named by
 *   front-end data (a number, part of a name, "the current one", "read")
 *   and can fail with a reason the command must report; the console,
 *   the XML console and the mentions window have no account or peer an
 *   event could name;
 * - ask_secret: a masked prompt, whose answer must never travel as an
 *   event (events reach hooks, logs and control clients).
 */
typedef void cmd_secret_fn(const char *secret, void *data);
struct cmd_ui_ops {
	/* The front end shows windows: window events reach a screen */
	bool	  shows_windows;
	bool	(*win_select)(const char *arg, GError **error);
	/* Window i (0 is the console); false past the last one */
	bool	(*win_info)(guint i, struct cmd_win_info *out);
	bool	(*win_close)(const char *arg, GError **error);
	void	(*win_clear)(void);
	bool	(*ask_secret)(const char *prompt, cmd_secret_fn *fn,
		    void *data);
	/* The target of commands typed now: account and peer, either NULL */
	void	(*target)(const char **account, const char **peer);
	/* /theme list|load NAME|show: prints on ctx; false on error */
	bool	(*theme)(struct cmd_ctx *ctx, const char *op,
		    const char *name);
};

extern const struct cmd_entry *const cmd_table[];

void	 cmd_set_ui_ops(const struct cmd_ui_ops *ops);
const struct cmd_ui_ops *cmd_ui_ops(void);
bool	 cmd_ui_windows(void);
bool	 cmd_parse(const char *line, struct cmd_args *out, GError **error);
void	 cmd_args_clear(struct cmd_args *a);
const char *cmd_args_rest(const struct cmd_args *a, int i);
bool	 cmd_opts_parse(const struct cmd_option *opts, unsigned flags,
	    struct cmd_args *a, GError **error);
void	 cmd_opts_clear(struct cmd_args *a);
bool	 cmd_opt(const struct cmd_args *a, char name);
bool	 cmd_opt_long(const struct cmd_args *a, const char *long_name);
const char *cmd_opt_value(const struct cmd_args *a, char name);
long	 cmd_opt_number(const struct cmd_args *a, char name, long dflt);
char	*cmd_option_form(const struct cmd_option *o);
const struct cmd_entry *cmd_find(const char *name);
const struct cmd_entry *cmd_find_sub(const struct cmd_entry *e,
	    const char *name);
enum cmd_status cmd_run_line(const char *line, enum cmd_origin origin,
	    const char *account, const char *peer,
	    const struct cmd_sink *sink, void *sink_data);
void	 cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
enum cmd_status cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
enum cmd_status cmd_usage(struct cmd_ctx *ctx);
void	 cmd_done(struct cmd_ctx *ctx, enum cmd_status status);
void	 cmd_done_msg(struct cmd_ctx *ctx, enum cmd_status status,
	    const char *message);
struct cmd_ctx *cmd_ctx_ref(struct cmd_ctx *ctx);
void	 cmd_ctx_unref(struct cmd_ctx *ctx);
struct account *cmd_target_account(struct cmd_ctx *ctx, const char *name);

void	 cmdq_set_sink(const struct cmd_sink *sink, void *data);
void	 cmdq_append(const char *line, enum cmd_origin origin,
	    const char *account, const char *where);
bool	 cmdq_append_file(const char *path, enum cmd_origin origin,
	    GError **error);
enum cmd_status cmdq_source(const char *path, struct cmd_ctx *ctx,
	    GError **error);
bool	 cmdq_idle(void);
unsigned cmdq_failures(void);
void	 cmdq_clear(void);

bool	 cmd_net_busy(void);
#define CMD_ALIAS_DEPTH 8	/* aliases standing for aliases */
bool	 cmd_alias_load(const char *path, GPtrArray *warnings);
void	 cmd_alias_free(void);
GPtrArray *cmd_alias_names(void);
const char *cmd_alias_find(const char *name);
char	*cmd_alias_expand(const char *name, const char *template,
	    const char *rest, GError **error);
bool	 cmd_xml_pending(const char *account, const char *peer);
void	 cmd_xml_free(void);
bool	 cmd_line_is_secret(const char *line);
void	 cmd_search_free(void);
enum cmd_status cmd_say(struct cmd_ctx *ctx, const char *line);
bool	 cmd_chat_state(const char *account, const char *peer,
	    const char *state);

char	*cmd_help_text(const char *name, GError **error);
char	*cmd_help_list(void);
char	*cmd_suggest(const char *name);
void	 cmd_dump_man(GString *out);
void	 cmd_dump_events_man(GString *out);
GPtrArray *cmd_complete(const char *line, size_t point, size_t *start,
	    const char *account, const char *peer);

#endif

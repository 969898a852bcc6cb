/* SPDX-License-Identifier: MIT */
#ifndef NATTER_CMD_H
#define NATTER_CMD_H

/*
 * The command layer's public header: the command table (each entry with
 * its help, completion, declared target and options), the parser, the
 * context that routes output, and the ops front ends register: the
 * masked prompt (struct cmd_ui_ops) and the control connection's own
 * commands (struct cmd_control_ops). Windows are a core model read here
 * and changed through core events (see struct cmd_ui_ops).
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

/*
 * What only the front end can do, registered at start (cmd_set_ui_ops()).
 * Everything about windows travels the other ways: commands read the
 * window list the front end keeps in the core (core/windows.h: /wins,
 * /unread, the target of queued lines; the TUI hands its current
 * window's account and peer with each line it runs) and ask for changes
 * with core events (EV_WINDOW_OPEN, _JUMP, _HISTORY, _SELECT, _CLOSE,
 * _CLEAR) that the TUI acts on and batch mode and control clients see,
 * as irssi's front end creates a query window when the core announces
 * the query; /theme reads and checks themes itself (util/themes.c) and
 * announces a new one with EV_THEME_LOAD. What stays is what an event
 * cannot do: ask_secret, a masked prompt, whose answer must never travel
 * as an event (events reach hooks, logs and control clients).
 */
typedef void cmd_secret_fn(const char *secret, void *data);
struct cmd_ui_ops {
	/* The front end shows windows: window events reach a screen */
	bool	  shows_windows;
	bool	(*ask_secret)(const char *prompt, cmd_secret_fn *fn,
		    void *data);
};

/*
 * What a control connection does for its commands (/subscribe,
 * /unsubscribe, /format), registered by the control front end
 * (cmd_set_control_ops()). Dispatch checks the arguments and that the
 * request came from a control connection (CMD_FROM_CONTROL); the front
 * end finds the connection from the context's sink_data, its own.
 */
struct cmd_control_ops {
	/* kinds: indexed by enum ev_kind, or NULL for "every kind" */
	void	(*subscribe)(struct cmd_ctx *ctx, const bool *kinds, bool on);
	void	(*format)(struct cmd_ctx *ctx, bool text);
};

extern const struct cmd_entry *const cmd_table[];

void	 cmd_set_ui_ops(const struct cmd_ui_ops *ops);
const struct cmd_ui_ops *cmd_ui_ops(void);
void	 cmd_set_control_ops(const struct cmd_control_ops *ops);
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

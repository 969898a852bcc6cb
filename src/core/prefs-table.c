/* SPDX-License-Identifier: MIT */
/*
 * The preference table (STYLE §5): it drives /set, its validation and
 * completion, and /help set NAME. Keep it sorted by name. core layer.
 */
#include "prefs.h"

static const char *const log_levels[] = { "debug", "info", "warn", "error",
	NULL };
static const char *const osc_modes[] = { "off", "osc9", "osc777", NULL };
static const char *const roster_by[] = { "group", "presence", "none",
	NULL };
static const char *const muc_create[] = { "instant", "configure", NULL };
static const char *const otr_policies[] = { "manual", "opportunistic",
	"always", NULL };
static const char *const tls_modes[] = { "force", "direct", "allow", "trust",
	"disable", NULL };

const struct pref_def pref_table[] = {
	{ "account.default", PREF_STRING, "", 0, 0, NULL,
	  "Account used by /connect without arguments and by commands in the "
	  "console (set by /account default). When empty: the only account, "
	  "else the only account online." },
	{ "batch.flush_timeout", PREF_INT, "5", 0, 120, NULL,
	  "Seconds batch mode waits at end of input for pending commands and "
	  "unsent stanzas before it exits." },
	{ "chat.carbons", PREF_BOOL, "on", 0, 0, NULL,
	  "Message carbons (XEP-0280): see messages sent and received on your "
	  "other devices. Takes effect at the next login." },
	{ "chat.corrections", PREF_BOOL, "on", 0, 0, NULL,
	  "Apply message corrections (XEP-0308) from the original sender." },
	{ "chat.receipts", PREF_BOOL, "on", 0, 0, NULL,
	  "Request and send delivery receipts (XEP-0184)." },
	{ "chat.resource_lock", PREF_BOOL, "on", 0, 0, NULL,
	  "Reply to the device a contact last wrote from (XEP-0296)." },
	{ "chat.states", PREF_BOOL, "on", 0, 0, NULL,
	  "Send and show chat states such as typing (XEP-0085)." },
	{ "conn.ping_idle", PREF_INT, "60", 1, 3600, NULL,
	  "Seconds the server may stay silent before natter pings it "
	  "(XEP-0199) to find out whether the connection still works. Any "
	  "data received counts as a sign of life." },
	{ "conn.ping_timeout", PREF_INT, "30", 1, 600, NULL,
	  "Seconds natter waits for the server to answer that ping before it "
	  "treats the connection as lost (and reconnects)." },
	{ "conn.timeout", PREF_INT, "30", 1, 600, NULL,
	  "Seconds a login may take (TCP, TLS, SASL, bind) before it is "
	  "abandoned." },
	{ "conn.tls", PREF_ENUM, "force", 0, 0, tls_modes,
	  "TLS mode of accounts that do not set one: force (STARTTLS required, "
	  "certificate verified), direct (TLS from the first byte), allow "
	  "(TLS if offered), trust (accept any certificate), disable." },
	{ "control.socket", PREF_STRING, "", 0, 0, NULL,
	  "Path of a UNIX socket (mode 0600) on which natter takes command "
	  "lines from other programs, like --control; empty: none. Applied "
	  "when set." },
	{ "diagnose.http_ca_file", PREF_STRING, "", 0, 0, NULL,
	  "CA bundle (PEM file) that /diagnose checks the certificates of "
	  "host-meta web servers against; empty: the system's (or "
	  "$CURL_CA_BUNDLE when set). Certificates are always verified." },
	{ "diagnose.http_host", PREF_STRING, "", 0, 0, NULL,
	  "Host /diagnose connects to for the host-meta files instead of the "
	  "domain itself (the certificate is still checked against the "
	  "domain); empty: the domain. For testing a web server before "
	  "DNS points at it." },
	{ "diagnose.http_port", PREF_INT, "443", 1, 65535, NULL,
	  "Port /diagnose connects to for the host-meta files (HTTPS)." },
	{ "diagnose.http_timeout", PREF_INT, "10", 1, 300, NULL,
	  "Seconds /diagnose waits for each host-meta file before it reports "
	  "a timeout." },
	{ "dns.servers", PREF_STRING, "", 0, 0, NULL,
	  "The DNS servers natter asks for SRV records and addresses (its own "
	  "connections and /diagnose), as IP or IP:PORT separated by commas, "
	  "e.g. 127.0.0.1:5353; empty: those of /etc/resolv.conf. Taken at "
	  "the next lookup." },
	{ "exec.max_output", PREF_INT, "1024", 1, 1048576, NULL,
	  "KiB of output a /exec job may print (all lines together); past "
	  "it the job is stopped, so a flood cannot fill memory." },
	{ "history.catchup", PREF_INT, "500", 0, 10000, NULL,
	  "At most how many messages natter fetches from an archive (XEP-0313:"
	  " the server's for chats, each room's) on each new session, to catch"
	  " up on what arrived while it was offline; 0: no catch-up. When more"
	  " were missed, a marked line says messages may be missing." },
	{ "history.otr", PREF_BOOL, "off", 0, 0, NULL,
	  "Store messages of OTR (private) conversations in the history "
	  "database. Off: they are shown but never written to disk." },
	{ "hook.timeout", PREF_INT, "60", 1, 86400, NULL,
	  "Seconds a /hook command may run before it is stopped." },
	{ "iq.timeout", PREF_INT, "30", 1, 600, NULL,
	  "Seconds natter waits for the answer to a request (/ping, /version, "
	  "/disco, /diagnose, room administration ...) before it reports a "
	  "timeout and the command fails." },
	{ "log.level", PREF_ENUM, "info", 0, 0, log_levels,
	  "Threshold of the debug log $XDG_STATE_HOME/natter/natter.log." },
	{ "muc.create", PREF_ENUM, "instant", 0, 0, muc_create,
	  "A room you create by joining it: instant (open at once with the "
	  "service's default configuration) or configure (left for you to "
	  "configure with /room config, or to open with /room accept; many "
	  "services keep others out until then)." },
	{ "muc.highlight", PREF_STRING, "", 0, 0, NULL,
	  "Comma-separated words that highlight a room window like your "
	  "nick does." },
	{ "muc.self_ping", PREF_INT, "300", 0, 86400, NULL,
	  "Seconds a joined room may stay quiet before natter checks that it "
	  "is still in it (XEP-0410 self-ping) and joins it again if the room "
	  "has forgotten it; 0: never." },
	{ "notify.command", PREF_STRING, "", 0, 0, NULL,
	  "Program run (no shell) with a title and a text for each private "
	  "message or mention in a window you are not reading, e.g. "
	  "notify-send. Empty: none." },
	{ "notify.osc", PREF_ENUM, "off", 0, 0, osc_modes,
	  "Terminal notifications for the same events: off, osc9 (iTerm2, "
	  "kitty, foot...) or osc777 (urxvt, VTE)." },
	{ "otr.policy", PREF_ENUM, "manual", 0, 0, otr_policies,
	  "OTR policy of accounts and contacts that set none (/otr policy): "
	  "manual (private only after /otr start), opportunistic (plain "
	  "messages carry a tag that lets OTR clients start a private "
	  "conversation) or always (plain text is refused; a private "
	  "conversation is started instead)." },
	{ "outbox.max_age", PREF_INT, "86400", 0, 2592000, NULL,
	  "Seconds a message natter could not get confirmed before it "
	  "stopped (or was killed) stays worth sending: at the next start "
	  "such messages are sent again (unless the server's archive shows "
	  "it has them); older ones are marked failed. 0: none is sent "
	  "again." },
	{ "quit.wait", PREF_INT, "5", 0, 60, NULL,
	  "Seconds /quit waits for the server to confirm messages not yet "
	  "confirmed before it leaves (and says how many are left)." },
	{ "reconnect.auto", PREF_BOOL, "on", 0, 0, NULL,
	  "Reconnect by itself after a lost connection (not after a failed "
	  "authentication, a refused certificate or a conflict with another "
	  "login; /disconnect stops it)." },
	{ "reconnect.max", PREF_INT, "300", 1, 3600, NULL,
	  "Longest wait in seconds between two reconnection attempts." },
	{ "reconnect.min", PREF_INT, "1", 1, 3600, NULL,
	  "Wait in seconds before the first reconnection attempt; each "
	  "further attempt waits twice as long (with a random part), up to "
	  "reconnect.max." },
	{ "sasl.max_iterations", PREF_INT, "100000", 4096, 10000000, NULL,
	  "The highest SCRAM iteration count natter computes when a server "
	  "asks for it; a server asking for more is refused (the hash runs "
	  "in natter's loop: 10 million iterations would freeze it for many "
	  "seconds). Needs natter's hardened libstrophe." },
	{ "ui.bell", PREF_BOOL, "on", 0, 0, NULL,
	  "Ring the terminal bell on private messages and mentions." },
	{ "ui.occupants", PREF_BOOL, "on", 0, 0, NULL,
	  "Show the occupants pane in room windows (/occupants show|hide)." },
	{ "ui.occupants_jid", PREF_BOOL, "off", 0, 0, NULL,
	  "Show occupants' real JIDs in the pane when the room reveals them "
	  "(/occupants jid)." },
	{ "ui.roster", PREF_BOOL, "on", 0, 0, NULL,
	  "Show the roster pane beside the console and chat windows "
	  "(/roster show|hide)." },
	{ "ui.roster_by", PREF_ENUM, "group", 0, 0, roster_by,
	  "Group the roster pane by roster group, by presence, or not at "
	  "all (/roster by)." },
	{ "ui.roster_width", PREF_INT, "24", 10, 80, NULL,
	  "Width of the roster pane in columns (/roster size)." },
	{ "ui.scrollback", PREF_INT, "10000", 100, 1000000, NULL,
	  "Lines kept in memory per window. A chat or room window with "
	  "history on keeps at most 1,000 and reads older ones back from "
	  "history when paged back or jumped to." },
	{ "ui.theme", PREF_STRING, "default", 0, 0, NULL,
	  "Theme loaded at start (themes/NAME.theme)." },
	{ "ui.time_format", PREF_STRING, "%H:%M", 0, 0, NULL,
	  "strftime format of the time shown before each line." },
	{ "ui.title", PREF_BOOL, "on", 0, 0, NULL,
	  "Set the terminal title to natter's window and unread count." },
	{ "version.os", PREF_BOOL, "off", 0, 0, NULL,
	  "Tell the operating system to those who ask for natter's version "
	  "(XEP-0092). Off: only name and version are told." },
	{ "xmlconsole.buffer", PREF_INT, "4096", 64, 262144, NULL,
	  "Kilobytes of memory the XML console's record of the traffic since "
	  "connect time may use (kept deflated: several times as much raw "
	  "XML); the oldest stanzas are dropped beyond it." },
	{ "xmlconsole.hide_acks", PREF_BOOL, "on", 0, 0, NULL,
	  "Hide stream-management <r/> and <a/> in the XML console "
	  "(/xmlconsole hide-acks on|off)." },
	{ "xmlconsole.max_text", PREF_INT, "2048", 64, 1048576, NULL,
	  "Text nodes and attribute values longer than this many bytes are "
	  "elided in the XML console, with their size shown." },
};

const size_t pref_table_len = G_N_ELEMENTS(pref_table);

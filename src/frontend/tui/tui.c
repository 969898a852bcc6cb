#include <glib.h>
#include "tui.h"
bool tui_start(char **error) { *error = g_strdup("no tui"); return false; }
void tui_stop(void) {}

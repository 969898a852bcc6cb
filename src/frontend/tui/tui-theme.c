#include "tui.h"

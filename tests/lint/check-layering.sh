#!/bin/sh
# Layering check (STYLE §2): each directory may include only what the table
# allows. Prints file:line for every violation and fails.
top=${top_srcdir:-$(dirname "$0")/../..}
cd "$top/src" || exit 1
status=0

check() {	# dir, allowed-pattern (extended regex on the include target)
	dir=$1; allowed=$2
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' \
	    $(find "$dir" -name '*.[ch]') /dev/null |
	while IFS= read -r line; do
		target=$(echo "$line" | sed -E 's/.*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/')
		case "$target" in
		*/*) ;;
		*)	# same-directory header or a system header
			[ -f "$(dirname "${line%%:*}")/$target" ] && continue ;;
		esac
		if ! echo "$target" | grep -qE "$allowed"; then
			echo "layering: ${line%%:*}:$(echo "$line" | cut -d: -f2): $dir may not include $target"
			echo x >> "$tmp"
		fi
	done
}

tmp=$(mktemp)
libc='^(errno|fcntl|poll|signal|string|unistd|stdio|stdlib|stdarg|stdbool|stddef|stdint|ctype|locale|time|netdb|limits|sys/[a-z]+|netinet/[a-z]+|arpa/[a-z]+)\.h$'
glib='^(glib|glib/[a-z]+|gio/[a-z]+)\.h$|^glib\.h$'
check util "$libc|$glib|^(config)\.h$"
check core "$libc|$glib|^util/|^sqlite3\.h$|^zlib\.h$|^ares\.h$|^libotr/[a-z_]+\.h$|^curl/curl\.h$|^config\.h$|^dlfcn\.h$"
check xmpp "$libc|$glib|^util/|^core/|^strophe\.h$|^config\.h$"
check cmd "$libc|$glib|^util/|^core/|^xmpp/proto-conn\.h$|^config\.h$"
check frontend/text "$libc|$glib|^config\.h$|^util/|^core/|^cmd/cmd\.h$"
check frontend/batch "$libc|$glib|^config\.h$|^util/|^core/|^cmd/cmd\.h$|^frontend/text/"
check frontend/tui "$libc|$glib|^config\.h$|^util/|^core/|^cmd/cmd\.h$|^frontend/text/|^(curses|ncursesw/[a-z]+|readline/[a-z]+|wchar|langinfo)\.h$"
if [ -s "$tmp" ]; then status=1; fi
rm -f "$tmp"
# The link order of natter mirrors the layering.
grep -q 'LAYER_LIBS_ALL = libnatter-tui.a libnatter-frontend.a $(LAYER_LIBS_CMD)' \
    ../Makefile.am || { echo "layering: natter_LDADD order changed"; status=1; }
[ $status -eq 0 ] && echo "layering: ok"
exit $status

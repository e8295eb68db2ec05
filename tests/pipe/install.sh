#!/usr/bin/env bash
# install.sh - make install with DESTDIR puts programs, man pages, the
# bash completion (in bash-completion's directory, one name per program),
# the zsh completion and the examples in place; both completions load and
# complete; make uninstall removes what it installed.
. "$(dirname "$0")/../lib.sh"

d=$TMP/dest
bc=$d/usr/local/share/bash-completion/completions
zc=$d/usr/local/share/zsh/vendor-completions
make -s -C "$LT_TOP" install DESTDIR="$d" PREFIX=/usr/local >"$TMP/log" 2>&1
check_eq "make install exits 0" "$?" 0
for p in lt-run lt-agg lt-report lt-target; do
	check "$p installed and runs" "$d/usr/local/bin/$p" --version
	check "bash completion for $p in the bash-completion directory" \
	    test -f "$bc/$p"
done
for m in man1/lt-run.1 man1/lt-agg.1 man1/lt-report.1 man5/lt-scenario.5 \
    man5/lt-events.5 man5/lt-aggregate.5; do
	check "$m installed" test -f "$d/usr/local/share/man/$m"
done
check "example scenarios installed" test -f "$d/usr/local/share/lt/scenarios/shop.lt"
check "contrib installed" test -f "$d/usr/local/share/lt/contrib/cron/nightly.sh"
check "the Debian packaging is not installed" \
    test ! -e "$d/usr/local/share/lt/contrib/debian"

# The installed bash completion loads and completes an option from the
# program's --help, and a scenario file after -f.
got=$(cd "$TMP" && touch s.lt && PATH=$d/usr/local/bin:$PATH bash -c '
	. "$1"
	COMP_WORDS=(lt-run --scen); COMP_CWORD=1; _lt_complete
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(lt-agg --time); COMP_CWORD=1; _lt_complete
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(lt-run -f s.); COMP_CWORD=2; _lt_complete
	echo "${COMPREPLY[*]}"' _ "$bc/lt-run" 2>&1)
check_eq "bash completion completes options and files" "$got" \
    "--scenario
--timeline-endpoints
s.lt"

check "zsh completion installed as _lt" test -f "$zc/_lt"
check "zsh completion names the programs" \
    grep -q '^#compdef lt-run lt-agg lt-report lt-target$' "$zc/_lt"
if command -v zsh >/dev/null 2>&1; then
	check "zsh completion parses (zsh -n)" zsh -n "$zc/_lt"
	# Loaded by compinit from the installed directory, _lt is the
	# completion function of each program.
	got=$(HOME=$TMP zsh -f -c '
		fpath=("$1" $fpath); autoload -Uz compinit
		compinit -u -d "$HOME/.zcompdump"
		print -r -- $_comps[lt-run] $_comps[lt-report]' _ "$zc" 2>&1)
	check_eq "zsh compinit binds _lt to the programs" "$got" "_lt _lt"
else
	skip "zsh completion parses" "zsh not installed"
	skip "zsh compinit binds _lt to the programs" "zsh not installed"
fi

make -s -C "$LT_TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >"$TMP/log" 2>&1
check_eq "make uninstall exits 0" "$?" 0
left=$(find "$d" -type f -o -type l | wc -l)
check_eq "uninstall leaves no file behind" "$left" 0
done_testing

# contrib/completion/lt.bash - bash completion for the lt programs.
# Source it from ~/.bashrc, or install it as
# $(completionsdir)/lt-run with links lt-agg, lt-report, lt-target (make
# install and the Debian package do that).
# Options are read from each program's --help, so they never go stale.

_lt_complete()
{
	local cur prev opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-f|--scenario|--shape|-o|--output|--config|--baseline|--notes|--csv|--logfile|--junit|--live-output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--arrival)
		COMPREPLY=($(compgen -W "constant poisson" -- "$cur"))
		return
		;;
	--loglevel)
		COMPREPLY=($(compgen -W "debug info warning error" -- "$cur"))
		return
		;;
	--format)
		COMPREPLY=($(compgen -W "json text openmetrics prometheus md html csv" -- "$cur"))
		return
		;;
	--live-format)
		COMPREPLY=($(compgen -W "text openmetrics prometheus" -- "$cur"))
		return
		;;
	--history)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		opts=$("${COMP_WORDS[0]}" --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _lt_complete lt-run lt-agg lt-report lt-target

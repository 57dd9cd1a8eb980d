# Sourced by the bench scripts: BENCH_CALLGRIND=DIR runs the client under callgrind instead
# of measuring time. Instruction counts repeat from run to run on a busy machine, where
# timings do not; see bench/README.md.
#
# bench_build: builds the client; sets `cli` to it and `bench_run` to what runs it.
# bench_instructions COUNT: after a run under callgrind, the client's instruction count.

bench_build() { # bench_build ROOT [SWIFT BUILD ARGS...]: the timed build is the installed one
    local root=$1
    shift
    bench_run=()
    if [[ -z ${BENCH_CALLGRIND:-} ]]; then
        cli=$("$root/scripts/build-release")
        return
    fi
    command -v valgrind > /dev/null || { echo "BENCH_CALLGRIND needs valgrind (apt-get install valgrind)" >&2; exit 1; }
    mkdir -p "$BENCH_CALLGRIND"
    # The same optimised code with debug information, so that callgrind_annotate can name
    # lines; in a build directory of its own, so that the timed build is left as it is.
    (cd "$root" && swift build -c release -Xswiftc -g -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 --scratch-path .build-profile "$@" > /dev/null)
    cli=$root/.build-profile/release/xmpp-cli
}

bench_wrap() { # bench_wrap NAME: sets bench_run for the next run
    bench_run=()
    [[ -n ${BENCH_CALLGRIND:-} ]] || return 0
    bench_run=(valgrind --tool=callgrind --quiet "--callgrind-out-file=$BENCH_CALLGRIND/$1.out")
}

bench_instructions() { # bench_instructions NAME
    awk '/^summary:/ { print $2 }' "$BENCH_CALLGRIND/$1.out"
}

# After runs of several counts: the instructions each extra record (or message) cost, from
# the first count to the last, which leaves out login, TLS handshake and SCRAM.
bench_marginal() { # bench_marginal COUNT1 INSTRUCTIONS1 COUNT2 INSTRUCTIONS2 UNIT
    awk -v c1="$1" -v i1="$2" -v c2="$3" -v i2="$4" -v unit="$5" \
        'BEGIN { printf "instructions per %s (from %d to %d): %.0f\n", unit, c1, c2, (i2 - i1) / (c2 - c1) }'
}

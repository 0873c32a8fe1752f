# Sourced by the launcher (toolkit) and notebooks/run.sh, which preload tcmalloc where it is installed
# (bench/README.md, "tcmalloc").

# Prints the path of gperftools' tcmalloc in the usual library folders and returns 0, or returns 1.
tcmalloc_library() {
    local name dir
    for name in libtcmalloc_minimal.so.4 libtcmalloc.so.4; do
        for dir in "/usr/lib/$(uname -m)-linux-gnu" /usr/lib64 /usr/lib /usr/local/lib; do
            if [[ -f "$dir/$name" ]]; then
                echo "$dir/$name"
                return 0
            fi
        done
    done
    return 1
}

# use_tcmalloc MODE WHO: for MODE (TOOLKIT_MALLOC's value) auto or tcmalloc, puts tcmalloc first in
# LD_PRELOAD and returns 0, or returns 0 leaving an LD_PRELOAD that already names a malloc as it is.
# Where tcmalloc is not installed it returns 1 for auto, and for tcmalloc prints WHO's error and exits 2.
# Any other MODE returns 1.
use_tcmalloc() {
    local mode=$1 who=$2 library
    [[ "$mode" == auto || "$mode" == tcmalloc ]] || return 1
    [[ "${LD_PRELOAD:-}" == *malloc* ]] && return 0
    if library="$(tcmalloc_library)"; then
        export LD_PRELOAD="$library${LD_PRELOAD:+:$LD_PRELOAD}"
        return 0
    fi
    if [[ "$mode" == tcmalloc ]]; then
        echo "$who: TOOLKIT_MALLOC=tcmalloc, but libtcmalloc_minimal.so.4 is not installed" \
            "(Debian and Ubuntu: apt-get install libtcmalloc-minimal4; Fedora and RHEL: dnf install gperftools-libs)" >&2
        exit 2
    fi
    return 1
}

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

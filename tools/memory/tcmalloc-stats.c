/*
 * tcmalloc's own accounting, sampled from inside a process: preload this after tcmalloc and set
 * TCSTATS to a file; a thread appends one line every 5 s, in MiB: seconds, allocated, heap size, page
 * heap free, page heap unmapped, central cache free, transfer cache free, thread caches free.
 * Only a process named java samples, so the launcher's helper commands do not write to the file.
 *
 *   gcc -O2 -shared -fPIC -o /tmp/libtcstats.so tools/memory/tcmalloc-stats.c -ldl -lpthread
 *   TCSTATS=/tmp/tc.txt LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4:/tmp/libtcstats.so \
 *       tools/memory/train-rss.sh
 *
 * A heap size that steps while the allocated bytes stay in their band is fragmentation, not a leak
 * (bench/README.md, "The 43 MB step in long training, traced").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*property_fn)(const char*, size_t*);

static const char* properties[] = {
    "generic.current_allocated_bytes", "generic.heap_size", "tcmalloc.pageheap_free_bytes",
    "tcmalloc.pageheap_unmapped_bytes", "tcmalloc.central_cache_free_bytes",
    "tcmalloc.transfer_cache_free_bytes", "tcmalloc.thread_cache_free_bytes", NULL};

static void* sample(void* unused) {
    (void) unused;
    // looked up at run time, so that the library loads (and does nothing) without tcmalloc
    property_fn get = (property_fn) dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty");
    const char* path = getenv("TCSTATS");
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (get != NULL) {
        FILE* out = fopen(path, "a");
        if (out == NULL) {
            return NULL;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        fprintf(out, "%.1f", (double) (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
        for (int i = 0; properties[i] != NULL; i++) {
            size_t value = 0;
            get(properties[i], &value);
            fprintf(out, " %zu", value >> 20);
        }
        fputc('\n', out);
        fclose(out);
        sleep(5);
    }
    return NULL;
}

__attribute__((constructor)) static void start_sampling(void) {
    if (getenv("TCSTATS") == NULL) {
        return;
    }
    char name[32] = {0};
    FILE* comm = fopen("/proc/self/comm", "r");
    if (comm == NULL) {
        return;
    }
    if (fgets(name, sizeof name, comm) == NULL) {
        name[0] = '\0';
    }
    fclose(comm);
    if (strncmp(name, "java", 4) == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, sample, NULL);
        pthread_detach(thread);
    }
}

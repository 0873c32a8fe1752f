package dev.nlptoolkit.tasks.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

class ProcessMemoryTest {

    private static final String LIBC =
            "7f1c2a000000-7f1c2a028000 r--p 00000000 08:01 1835 /usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String TCMALLOC =
            "7f1c2b000000-7f1c2b010000 r-xp 00000000 08:01 2210 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10";
    private static final String JEMALLOC =
            "7f1c2c000000-7f1c2c010000 r-xp 00000000 08:01 2211 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
    private static final String HEAP = "5594a0e98000-5594a1000000 rw-p 00000000 00:00 0 [heap]";
    // a file whose folder, not its name, mentions an allocator
    private static final String DATA =
            "7f1c2d000000-7f1c2d010000 r--p 00000000 08:01 3001 /data/tcmalloc-notes/libtorch.so";

    @Test
    void allocatorIsTheMallocLibraryMappedElseGlibc() {
        assertEquals("tcmalloc", ProcessMemory.allocator(Stream.of(HEAP, LIBC, TCMALLOC)));
        assertEquals("jemalloc", ProcessMemory.allocator(Stream.of(LIBC, JEMALLOC, HEAP)));
        assertEquals("glibc", ProcessMemory.allocator(Stream.of(HEAP, LIBC, DATA)));
    }

    @Test
    void thisProcessReportsTheAllocatorItsEnvironmentPreloads() {
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        String expected = preload.contains("libtcmalloc") ? "tcmalloc"
                : preload.contains("libjemalloc") ? "jemalloc"
                : preload.contains("libmimalloc") ? "mimalloc" : "glibc";
        assertEquals(expected, ProcessMemory.allocator());
        double rss = ProcessMemory.rssMib();
        assertTrue(rss > 0);
        assertTrue(ProcessMemory.peakRssMib() >= rss, "the peak is read after the current size");
    }
}

package dev.nlptoolkit.tasks.score;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats of a scoring job; the local engine reads and writes all but {@link #PARQUET}. */
public enum TableFormat {
    /** RFC 4180: double quotes around fields that hold the delimiter, quotes or newlines. */
    CSV,
    /**
     * Tab-separated. Read without quoting (quotes are literal, as in SST-2); written with RFC 4180
     * quoting for the rare field that holds a tab or a newline.
     */
    TSV,
    /** One JSON object per line; the added keys come after the record's own. */
    JSONL,
    /** Apache Parquet, for the Spark engine only. */
    PARQUET;

    static final String GZIP_SUFFIX = ".gz";

    /**
     * The format of {@code file}: by name ({@code .tsv}, {@code .jsonl}, {@code .parquet}, before any {@code .gz}; CSV
     * otherwise) unless {@code option} says another; {@code CSV} means delimited, so a {@code .tsv}
     * name still reads as TSV.
     */
    public static TableFormat of(Path file, TableFormat option) {
        String name = stripGzip(file);
        if (option == CSV) {
            return name.endsWith(".tsv") ? TSV : CSV;
        }
        if (option != null) {
            return option;
        }
        if (name.endsWith(".tsv")) {
            return TSV;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        return name.endsWith(".jsonl") ? JSONL : CSV;
    }

    /** Whether {@code file} is gzip-compressed, by its name. */
    public static boolean gzip(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(GZIP_SUFFIX);
    }

    private static String stripGzip(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return gzip(file) ? name.substring(0, name.length() - GZIP_SUFFIX.length()) : name;
    }

    /** The field delimiter of the delimited formats. */
    char delimiter() {
        return this == TSV ? '\t' : ',';
    }
}

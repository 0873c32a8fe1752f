package dev.nlptoolkit.core.data;

import org.apache.commons.csv.CSVFormat;

import java.nio.file.Path;
import java.util.Locale;

/** The two delimited-text formats {@link TabularReader} reads. */
public enum TabularFormat {
    /** RFC 4180: comma-separated, double quotes around fields that hold commas, quotes or newlines. */
    CSV(CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get()),
    /**
     * Tab-separated with no quoting at all: quotes are literal characters, as in SST-2 and the SMS
     * Spam Collection, and a field can hold neither a tab nor a newline.
     */
    TSV(CSVFormat.DEFAULT.builder()
            .setDelimiter('\t').setQuote(null).setEscape(null).setIgnoreEmptyLines(false).setTrim(false).get());

    private final CSVFormat csvFormat;

    TabularFormat(CSVFormat csvFormat) {
        this.csvFormat = csvFormat;
    }

    CSVFormat csvFormat() {
        return csvFormat;
    }

    /** TSV for names ending in {@code .tsv} or {@code .tsv.gz}, otherwise CSV. */
    public static TabularFormat forFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tsv.gz") ? TSV : CSV;
    }
}

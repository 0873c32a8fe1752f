package dev.nlptoolkit.core.data;

/**
 * A column of a delimited file, by header name or by 0-based position.
 *
 * @param name the header name, or null for a positional column
 * @param index the 0-based position, or -1 for a named column
 */
public record Column(String name, int index) {

    public Column {
        if ((name == null) == (index < 0)) {
            throw new IllegalArgumentException("a column has either a name or an index >= 0, got " + name + ", " + index);
        }
    }

    /** The column whose header is {@code name}. */
    public static Column named(String name) {
        return new Column(name, -1);
    }

    /** The column at 0-based {@code index}, for files with or without a header. */
    public static Column at(int index) {
        return new Column(null, index);
    }

    @Override
    public String toString() {
        return name != null ? "'" + name + "'" : "#" + index;
    }
}

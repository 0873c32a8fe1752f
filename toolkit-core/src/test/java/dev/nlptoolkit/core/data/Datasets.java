package dev.nlptoolkit.core.data;

import java.nio.file.Path;

/** The bundled datasets, found from the module directory that surefire runs in. */
final class Datasets {

    static final Path ROOT = Path.of("..", "datasets").toAbsolutePath().normalize();

    private Datasets() {}

    static Path file(String relative) {
        return ROOT.resolve(relative);
    }
}

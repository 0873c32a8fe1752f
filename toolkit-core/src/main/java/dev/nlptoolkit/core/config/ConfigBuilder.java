package dev.nlptoolkit.core.config;

import java.util.function.Function;

/**
 * The builder of a model made from one config record, in DJL's style
 * ({@code Model.builder().setConfig(config).build()}): the config is required, and {@code build()}
 * says how to make one when it is missing.
 *
 * @param <C> the config record
 * @param <M> the model built
 */
public final class ConfigBuilder<C, M> {

    private final String model;
    private final String example;
    private final Function<? super C, ? extends M> constructor;
    private C config;

    /**
     * @param model the model's name in the error for a missing config
     * @param example how to make a config, e.g. {@code Config.of(vocabSize, numClasses)}
     * @param constructor makes the model from the config
     */
    public ConfigBuilder(String model, String example, Function<? super C, ? extends M> constructor) {
        this.model = model;
        this.example = example;
        this.constructor = constructor;
    }

    public ConfigBuilder<C, M> setConfig(C config) {
        this.config = config;
        return this;
    }

    public M build() {
        if (config == null) {
            throw new IllegalArgumentException(model + " needs setConfig(...), e.g. " + example);
        }
        return constructor.apply(config);
    }
}

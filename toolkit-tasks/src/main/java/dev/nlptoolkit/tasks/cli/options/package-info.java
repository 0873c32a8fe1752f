/**
 * The options several commands share, as picocli mixins ({@code @Mixin RuntimeOptions runtime;}), so
 * that {@code --device}, {@code --threads}, {@code --batch-size} and {@code --seed} mean the same
 * everywhere.
 */
package dev.nlptoolkit.tasks.cli.options;

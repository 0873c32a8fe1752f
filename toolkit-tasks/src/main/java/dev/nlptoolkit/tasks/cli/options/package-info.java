/**
 * The options several commands share, as picocli mixins ({@code @Mixin RuntimeOptions runtime;}), so
 * that {@code --device}, {@code --threads}, {@code --batch-size}, {@code --seed} and the demos'
 * {@code --out}, {@code --minutes} and {@code --datasets} mean the same everywhere.
 */
package dev.nlptoolkit.tasks.cli.options;

package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.models.Variant;
import io.github.learnpad.train.LearningRateSchedule;
import io.github.learnpad.training.PrimaryComparison;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@code compare} command as a typed value: the options given explicitly, in the order given, each with the value
 * picocli would convert it to; every other option keeps its default. {@code compare} and {@code study} share it:
 * a study preset is a spec built with {@link #builder()}, the options typed after the preset are parsed once into a
 * spec ({@link #parse}) and laid over it ({@link #overriddenBy}), {@code study --print} shows
 * {@link #commandLine()}, and both commands run the {@link CompareCommand} a spec resolves to
 * ({@link #toCommand()}).
 *
 * <p>The options are keyed by their command-line names (frozen), so a spec never holds an option {@code compare}
 * does not have, and no value goes through a string again on its way to the comparison.
 */
public final class ComparisonSpec {
    /** Option name to value, in the order given; a null value is never stored (it is every option's default). */
    private final Map<String, Object> options;

    private ComparisonSpec(Map<String, Object> options) {
        this.options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** An empty builder: every option at its default until set. */
    public static Builder builder() {
        return new Builder(Map.of());
    }

    /** A builder holding this spec's options, in their order. */
    public Builder toBuilder() {
        return new Builder(options);
    }

    /**
     * This spec with the options of {@code overrides} in place of its own: an option both give takes the override's
     * value and moves to the end, after this spec's others, in the overrides' order (as if typed after them on one
     * command line, where a list option such as {@code --seeds} is replaced, not extended).
     */
    public ComparisonSpec overriddenBy(ComparisonSpec overrides) {
        Map<String, Object> m = new LinkedHashMap<>(options);
        overrides.options.keySet().forEach(m::remove);
        m.putAll(overrides.options);
        return new ComparisonSpec(m);
    }

    /** Whether the option (e.g. {@code "--results"}) is given. */
    public boolean has(String option) {
        return options.containsKey(option);
    }

    /** The option's value, or null if it is not given (then it has its default). */
    public Object get(String option) {
        return options.get(option);
    }

    /**
     * The compare options a user typed (e.g. after {@code study --preset}), each converted once by picocli as
     * {@code compare} converts it. An option typed twice keeps its last value.
     *
     * @throws CommandLine.ParameterException as {@code compare} would for the same arguments (unknown option, bad value)
     */
    static ComparisonSpec parse(List<String> args) {
        CommandLine cl = new CommandLine(new CompareCommand()).setOverwrittenOptionsAllowed(true);
        Builder b = builder();
        for (OptionSpec o : cl.parseArgs(args.toArray(new String[0])).matchedOptions()) {
            b.remove(o.longestName());
            b.set(o.longestName(), o.getValue());
        }
        return b.build();
    }

    /**
     * The given options as {@code compare} arguments, in order. A flag set to false, the default, is left out; an
     * option whose value is optional (e.g. {@code --ui[=PORT]}) is written {@code --ui=PORT}, so that the value cannot
     * be read as anything else.
     */
    public List<String> args() {
        CommandLine.Model.CommandSpec compare = new CommandLine(new CompareCommand()).getCommandSpec();
        List<String> a = new ArrayList<>();
        options.forEach((name, value) -> {
            if (value instanceof Boolean) {
                if ((Boolean) value) {
                    a.add(name);
                }
            } else if (compare.findOption(name) != null && compare.findOption(name).arity().min() == 0) {
                a.add(name + "=" + text(value));
            } else {
                a.add(name);
                a.add(text(value));
            }
        });
        return a;
    }

    /** {@code learnpad compare} and {@link #args()}: the command this spec runs, as a user would type it. */
    public String commandLine() {
        return "learnpad compare " + String.join(" ", args());
    }

    /** A value as it is written on the command line: the lower-case name of an enum, lists comma-separated. */
    private static String text(Object value) {
        if (value instanceof Collection) {
            return ((Collection<?>) value).stream().map(ComparisonSpec::text).collect(Collectors.joining(","));
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }

    /**
     * A {@code compare} command with this spec's options and picocli's defaults for the others, as if its
     * {@link #args()} had been typed (the defaults come from the option annotations, their one source).
     */
    CompareCommand toCommand() {
        CompareCommand c = new CompareCommand();
        CommandLine cl = new CommandLine(c);
        cl.parseArgs(); // applies every option's default
        options.forEach((name, value) -> {
            OptionSpec o = cl.getCommandSpec().findOption(name);
            if (o == null) {
                throw new IllegalArgumentException("compare has no option " + name + "; see learnpad help compare");
            }
            o.setValue(value);
        });
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComparisonSpec && ((ComparisonSpec) o).options.equals(options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    @Override
    public String toString() {
        return commandLine();
    }

    /**
     * Sets options by typed methods named after them. Setting an option again replaces its value in place; setting
     * null removes it (back to its default).
     */
    public static final class Builder {
        private final Map<String, Object> options;

        private Builder(Map<String, Object> options) {
            this.options = new LinkedHashMap<>(options);
        }

        /** The spec. */
        public ComparisonSpec build() {
            return new ComparisonSpec(options);
        }

        /**
         * Every option of {@code o} (model, data and budget) at its current value, e.g. options filled in by code
         * rather than parsed; null values are left out (null is their default).
         */
        public Builder training(TrainingOptions o) {
            for (OptionSpec s : CommandLine.Model.CommandSpec.forAnnotatedObject(o).options()) {
                set(s.longestName(), s.getValue());
            }
            return this;
        }

        /** Removes the option (back to its default). */
        public Builder remove(String option) {
            options.remove(option);
            return this;
        }

        /** The option's value; the name must be one of compare's, the value of its type (checked by picocli). */
        Builder set(String option, Object value) {
            if (value == null) {
                options.remove(option);
            } else {
                options.put(option, value instanceof List ? List.copyOf((List<?>) value) : value);
            }
            return this;
        }

        /** {@code --model}. */
        public Builder model(Architecture v) {
            return set("--model", v);
        }

        /** {@code --variant}. */
        public Builder variant(Variant v) {
            return set("--variant", v);
        }

        /** {@code --width-multiplier}. */
        public Builder widthMultiplier(double v) {
            return set("--width-multiplier", v);
        }

        /** {@code --image-size} (0: native, or the smallest size the model takes). */
        public Builder imageSize(int v) {
            return set("--image-size", v);
        }

        /** {@code --dataset}, e.g. {@code fashion-mnist} or {@code folder:PATH}. */
        public Builder dataset(String v) {
            return set("--dataset", v);
        }

        /** {@code --data-dir}. */
        public Builder dataDir(Path v) {
            return set("--data-dir", v);
        }

        /** {@code --channels}. */
        public Builder channels(ChannelPolicy v) {
            return set("--channels", v);
        }

        /** {@code --subset} (0: all). */
        public Builder subset(int v) {
            return set("--subset", v);
        }

        /** {@code --test-subset} (0: all). */
        public Builder testSubset(int v) {
            return set("--test-subset", v);
        }

        /** {@code --data-seed}. */
        public Builder dataSeed(long v) {
            return set("--data-seed", v);
        }

        /** {@code --epochs}. */
        public Builder epochs(int v) {
            return set("--epochs", v);
        }

        /** {@code --batch}. */
        public Builder batch(int v) {
            return set("--batch", v);
        }

        /** {@code --lr}. */
        public Builder lr(double v) {
            return set("--lr", v);
        }

        /** {@code --lr-schedule}. */
        public Builder lrSchedule(LearningRateSchedule v) {
            return set("--lr-schedule", v);
        }

        /** {@code --lr-end}, a fraction of {@code --lr}. */
        public Builder lrEnd(double v) {
            return set("--lr-end", v);
        }

        /** {@code --threads} (0: one per core). */
        public Builder threads(int v) {
            return set("--threads", v);
        }

        /** {@code --progress}. */
        public Builder progress(Progress v) {
            return set("--progress", v);
        }

        /** {@code --paddings}. */
        public Builder paddings(List<PaddingVariant> v) {
            return set("--paddings", v);
        }

        /** {@code --baseline}: padding ids. */
        public Builder baselines(List<String> v) {
            return set("--baseline", v);
        }

        /** {@code --primary}. */
        public Builder primaries(List<PrimaryComparison> v) {
            return set("--primary", v);
        }

        /** {@code --seeds}. */
        public Builder seeds(List<Long> v) {
            return set("--seeds", v);
        }

        /** {@code --shift-eval}: pixel shifts. */
        public Builder shiftEval(List<Integer> v) {
            return set("--shift-eval", v);
        }

        /** {@code --gallery-pad} (0: no gallery). */
        public Builder galleryPad(int v) {
            return set("--gallery-pad", v);
        }

        /** {@code --out}. */
        public Builder out(Path v) {
            return set("--out", v);
        }

        /** {@code --resume}. */
        public Builder resume(boolean v) {
            return set("--resume", v);
        }

        /** {@code --results}: where finished runs are recorded. */
        public Builder results(Path v) {
            return set("--results", v);
        }

        /** {@code --from}: rebuild the report from the run records in this directory alone. */
        public Builder from(Path v) {
            return set("--from", v);
        }
    }
}

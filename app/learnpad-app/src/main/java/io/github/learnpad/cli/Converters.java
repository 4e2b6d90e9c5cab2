package io.github.learnpad.cli;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.models.Variant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Locale;

/** Case-insensitive option values with messages that list the choices. */
final class Converters {
    private Converters() {
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        throw new TypeConversionException("unknown " + what + " '" + value + "'; expected one of "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    static final class ModelConverter implements ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String v) {
            return parseEnum(Architecture.class, v, "model");
        }
    }

    static final class VariantConverter implements ITypeConverter<Variant> {
        @Override
        public Variant convert(String v) {
            return parseEnum(Variant.class, v, "variant");
        }
    }

    static final class ChannelConverter implements ITypeConverter<io.github.learnpad.data.ChannelPolicy> {
        @Override
        public io.github.learnpad.data.ChannelPolicy convert(String v) {
            return parseEnum(io.github.learnpad.data.ChannelPolicy.class, v.equalsIgnoreCase("gray") ? "grey" : v,
                    "channel policy");
        }
    }

    static final class ProgressConverter implements ITypeConverter<Progress> {
        @Override
        public Progress convert(String v) {
            return parseEnum(Progress.class, v, "progress mode");
        }
    }

    static final class ScheduleConverter implements ITypeConverter<io.github.learnpad.train.LearningRateSchedule> {
        @Override
        public io.github.learnpad.train.LearningRateSchedule convert(String v) {
            return parseEnum(io.github.learnpad.train.LearningRateSchedule.class, v, "learning-rate schedule");
        }
    }

    static final class PaddingVariantConverter implements ITypeConverter<io.github.learnpad.layers.PaddingVariant> {
        @Override
        public io.github.learnpad.layers.PaddingVariant convert(String v) {
            try {
                return io.github.learnpad.layers.PaddingVariant.parse(v);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PaddingConverter implements ITypeConverter<PaddingMode> {
        @Override
        public PaddingMode convert(String v) {
            try {
                return PaddingMode.parse(v);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

package io.github.learnpad.cli;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.models.NetworkConverter;
import io.github.learnpad.models.PaddingRewriter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad convert}: a saved (trained) network switched to another padding, ready to fine-tune. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Switch a saved network (model.zip of 'learnpad train', or any DL4J ModelSerializer zip) to "
                + "another padding, keeping all its parameters and updater state; fine-tune the result with "
                + "'learnpad train --init-from OUT'.",
                "With --padding learned the Padding Modules start as exact zero padding, so the converted network "
                        + "computes what the original computed until fine-tuning trains them (see docs/models.md)."})
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model.zip to convert, or a run directory holding one.")
    Path model;

    @Option(names = "--padding", required = true, converter = Converters.PaddingConverter.class,
            description = "zero, reflect, replicate, circular or learned.")
    PaddingMode padding;

    @Option(names = "--out", required = true, description = "The converted model.zip to write.")
    Path out;

    @Option(names = "--predictor-init", defaultValue = "zeros", converter = PredictorInitConverter.class,
            description = "Initial Padding Module predictor with --padding learned: zeros (exact zero padding: the "
                    + "network's outputs are unchanged) or replicate (the Padding Module's default for new networks). "
                    + "Default: ${DEFAULT-VALUE}.")
    PaddingModule.PredictorInit predictorInit;

    @Option(names = "--skip-strided-same", description = "Keep Same-mode convolutions with stride > 1 zero padded "
            + "instead of refusing the network.")
    boolean skipStridedSame;

    @Option(names = "--skip-unsupported", description = "Keep padded layers the rewriter cannot rewrite (1D/3D/"
            + "transposed convolutions, ...) zero padded instead of refusing the network.")
    boolean skipUnsupported;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Path in = SavedModels.zip(model);
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " already exists; choose another --out or add --force to "
                    + "replace it");
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new IllegalArgumentException("--out is the input model " + in + "; write the conversion to a new "
                    + "file so the original stays");
        }
        Model net = SavedModels.load(in, true);
        PaddingRewriter.Options o = new PaddingRewriter.Options().predictorInit(predictorInit)
                .skipStridedSame(skipStridedSame).skipUnsupported(skipUnsupported);
        NetworkConverter converter = NetworkConverter.to(padding).with(o);
        Model converted = net instanceof ComputationGraph ? converter.convert((ComputationGraph) net)
                : converter.convert((MultiLayerNetwork) net);
        SavedModels.write(converted, out);
        String runJson = writeRunInfo(in, converted);
        System.out.println(String.format(java.util.Locale.ROOT, "converted %s to %s padding: %,d -> %,d parameters; "
                + "wrote %s%s", in, padding.id(), net.numParams(), converted.numParams(), out, runJson));
        return 0;
    }

    /**
     * Copies the input's run.json (image size, classes: what eval and train --init-from read) next to the output
     * with the new padding, unless a run.json is already there.
     */
    private String writeRunInfo(Path in, Model converted) throws java.io.IOException {
        Path src = in.toAbsolutePath().getParent().resolve("run.json");
        Path dst = out.toAbsolutePath().getParent().resolve("run.json");
        if (!Files.exists(src) || Files.exists(dst)) {
            return "";
        }
        Map<String, Object> info = io.github.learnpad.training.Json.readMap(src);
        info.put("padding", padding.id());
        info.put("parameters", converted.numParams());
        info.put("convertedFrom", in.toAbsolutePath().toString());
        info.put("name", info.getOrDefault("model", "model") + " " + padding.id() + " (converted)");
        io.github.learnpad.training.AtomicFiles.writeString(dst, io.github.learnpad.training.Json.pretty(info) + "\n");
        return " and " + dst;
    }

    static final class PredictorInitConverter implements picocli.CommandLine.ITypeConverter<PaddingModule.PredictorInit> {
        @Override
        public PaddingModule.PredictorInit convert(String v) {
            return Converters.parseEnum(PaddingModule.PredictorInit.class, v, "predictor initialisation");
        }
    }
}

package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.TrainTest;
import io.github.learnpad.train.AtomicFiles;
import io.github.learnpad.train.Evaluator;
import io.github.learnpad.train.Json;
import io.github.learnpad.train.RunMetadata;
import io.github.learnpad.train.Threads;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad eval}: test accuracy and loss of a saved network. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved network (model.zip of a train run) on a test set; prints accuracy and loss "
                + "and writes them as JSON (eval.json next to the model, or --out).")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model.zip, or a run directory containing one.")
    Path model;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "fashion-mnist, cifar10 or folder:PATH. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data-dir", description = "Where the dataset files are.")
    Path dataDir;

    @Option(names = "--download", description = "Download the dataset into --data-dir if it is missing.")
    boolean download;

    @Option(names = "--test-subset", defaultValue = "0", description = "A seeded random subset of N test images.")
    int testSubset;

    @Option(names = "--data-seed", defaultValue = "1", description = "Seed of the --test-subset choice.")
    long dataSeed;

    @Option(names = "--batch", defaultValue = "256", description = "Evaluation batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "ND4J threads (0: one per core).")
    int threads;

    @Option(names = "--image-size", defaultValue = "0", description = "Resize test images to SIZE x SIZE (default: "
            + "the size in the run.json next to the model, else the dataset's own).")
    int imageSize;

    @Option(names = "--out", description = "JSON file to write (default: eval.json next to the model).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (threads > 0) {
            Threads.limit(threads);
        }
        Path zip = SavedModels.zip(model);
        Model net = SavedModels.load(zip, false);   // ComputationGraph or MultiLayerNetwork
        int[] chw = RunMetadata.inputShape(zip.toAbsolutePath().getParent()).orElse(null);
        int size = imageSize > 0 ? imageSize : chw != null && chw[1] == chw[2] ? chw[1] : 0;
        ChannelPolicy policy = chw == null ? ChannelPolicy.KEEP : chw[0] == 1 ? ChannelPolicy.GREY : ChannelPolicy.RGB;
        TrainTest tt = DataAccess.load(dataset, dataDir, download, size, policy, 1, testSubset, dataSeed);
        if (chw != null && (tt.test().channels() != chw[0] || tt.test().height() != chw[1] || tt.test().width() != chw[2])) {
            throw new IllegalArgumentException("the model expects images (" + chw[0] + ", " + chw[1] + ", " + chw[2]
                    + ") but " + dataset + " gives (" + tt.test().channels() + ", " + tt.test().height() + ", "
                    + tt.test().width() + ")");
        }
        long classes = SavedModels.classes(net);
        if (classes != tt.test().numClasses()) {
            throw new IllegalArgumentException("the model has " + classes + " classes, " + dataset + " has "
                    + tt.test().numClasses());
        }
        long t0 = System.nanoTime();
        Evaluator.Result r = Evaluator.evaluate(net, tt.test(), batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", zip.toString());
        m.put("dataset", dataset);
        m.put("testImages", r.count());
        m.put("accuracy", r.accuracy());
        m.put("loss", r.loss());
        m.put("seconds", seconds);
        Path json = out != null ? out : zip.toAbsolutePath().getParent().resolve("eval.json");
        AtomicFiles.writeString(json, Json.pretty(m) + "\n");
        System.out.println(String.format(Locale.ROOT, "accuracy %.4f, loss %.4f on %d test images of %s (%s)",
                r.accuracy(), r.loss(), r.count(), dataset, json));
        return 0;
    }
}

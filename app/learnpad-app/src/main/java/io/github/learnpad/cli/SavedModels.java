package io.github.learnpad.cli;

import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.training.Checkpoints;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/** Reading and writing the ModelSerializer zips the commands exchange (either network type). */
final class SavedModels {
    private SavedModels() {
    }

    /** {@code model.zip} itself, or the {@code model.zip} inside a run directory; an IOException if there is none. */
    static Path zip(Path modelOrRunDir) throws IOException {
        Path zip = Files.isDirectory(modelOrRunDir) ? modelOrRunDir.resolve("model.zip") : modelOrRunDir;
        if (!Files.exists(zip)) {
            throw new IOException("no model at " + zip + "; pass a model.zip written by 'learnpad train' or "
                    + "'learnpad convert', or by DL4J's ModelSerializer");
        }
        return zip;
    }

    /**
     * Loads a ComputationGraph or MultiLayerNetwork, with its updater state if {@code withUpdater} (and saved), after
     * checking the zip is complete.
     */
    static Model load(Path zip, boolean withUpdater) throws IOException {
        Checkpoints.verifyZip(zip);
        if (isGraph(zip)) {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), withUpdater);
        }
        return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), withUpdater);
    }

    /** A graph's configuration JSON lists "vertices"; a MultiLayer configuration's lists "confs". */
    private static boolean isGraph(Path zip) throws IOException {
        try (ZipFile zf = new ZipFile(zip.toFile());
             InputStream in = zf.getInputStream(zf.getEntry("configuration.json"))) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return json.contains("\"vertices\"");
        }
    }

    /**
     * Writes {@code net} (with its updater state) to {@code target} without ever leaving a partial or unreadable file
     * there: into a temporary file next to it, checked, then renamed over it.
     */
    static void write(Model net, Path target) throws IOException {
        Path tmp = AtomicFiles.writeTemp(target, out -> ModelSerializer.writeModel(net, out, true));
        try {
            Checkpoints.verifyZip(tmp);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("the model just written is unreadable (" + e.getMessage() + "); " + target
                    + " is unchanged. Is the disk full?", e);
        }
        AtomicFiles.moveAtomically(tmp, target);
    }

    /** Number of classes of a classifier: the nOut of its (first) output layer. */
    static long classes(Model net) {
        org.deeplearning4j.nn.api.Layer out = net instanceof ComputationGraph ? ((ComputationGraph) net).getOutputLayer(0)
                : ((MultiLayerNetwork) net).getOutputLayer();
        org.deeplearning4j.nn.conf.layers.Layer conf = out.conf().getLayer();
        return conf instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer
                ? ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf).getNOut() : -1;
    }
}

package io.github.learnpad;

import io.github.learnpad.layers.FixedPadding;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.train.LearningRateSchedule;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The saved models kept as test resources ({@code src/test/resources/io/github/learnpad/saved/}): one
 * {@code ComputationGraph} (SmallCnn with Padding Modules, Adam on a cosine schedule) and one
 * {@code MultiLayerNetwork} (replicate padding, a channel-mixing Padding Module with its own SGD updater), each trained
 * two steps, with an input and the output the saving version computed for it. They were written by {@link #main}
 * from the sources of LearnPad 0.1.0-SNAPSHOT as of 2026-12-06 (the library classes of commit b38fcbb, moved to the
 * repository's root unchanged), and must keep loading: saved models name LearnPad's classes in their JSON.
 * Run {@code main} again only for a deliberate new format, into new file names; never overwrite these.
 */
final class SavedModels {
    static final String GRAPH = "smallcnn-learned-cosine-0.1.0";
    static final String MULTI_LAYER = "multilayer-replicate-mixing-0.1.0";

    private SavedModels() {
    }

    static ComputationGraph graph() {
        return SmallCnn.builder().numClasses(3).inputShape(1, 8, 8).baseWidth(2).padding(PaddingMode.LEARNED)
                .updater(new Adam(LearningRateSchedule.COSINE.schedule(0.01, 4, 0.01))).seed(7).build().init();
    }

    static MultiLayerNetwork multiLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-3)).list()
                .layer(new FixedPadding.Builder(FixedPadding.Mode.REPLICATE).padding(1).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new PaddingModule.Builder().padding(1).channelMixing(true).predictorUpdater(new Sgd(0.05))
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static INDArray input() {
        return Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8).muli(2).subi(1);
    }

    static INDArray labels() {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return y;
    }

    static INDArray read(String name) throws IOException {
        try (InputStream in = SavedModels.class.getResourceAsStream("saved/" + name)) {
            if (in == null) {
                throw new IOException("test resource saved/" + name + " is missing");
            }
            return Nd4j.read(new DataInputStream(in));
        }
    }

    /** Writes the fixtures into {@code args[0]} (a new folder; existing files are never replaced). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Nd4j.getRandom().setSeed(11);
        INDArray x = input(), y = labels();
        write(dir, GRAPH, graph(), x, y);
        write(dir, MULTI_LAYER, multiLayer(), x, y);
    }

    private static void write(Path dir, String name, Model net, INDArray x, INDArray y) throws IOException {
        for (String f : new String[]{name + ".zip", name + ".json", name + "-input.bin", name + "-output.bin"}) {
            if (Files.exists(dir.resolve(f))) {
                throw new IOException(dir.resolve(f) + " exists: saved fixtures are never overwritten");
            }
        }
        INDArray out;
        String json;
        if (net instanceof ComputationGraph) {
            ComputationGraph g = (ComputationGraph) net;
            for (int i = 0; i < 2; i++) {
                g.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            }
            out = g.outputSingle(false, x);
            json = g.getConfiguration().toJson();
        } else {
            MultiLayerNetwork m = (MultiLayerNetwork) net;
            for (int i = 0; i < 2; i++) {
                m.fit(x, y);
            }
            out = m.output(x, false);
            json = m.getLayerWiseConfigurations().toJson();
        }
        ModelSerializer.writeModel(net, dir.resolve(name + ".zip").toFile(), true);
        Files.writeString(dir.resolve(name + ".json"), json);
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(name + "-input.bin")))) {
            Nd4j.write(x, o);
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(name + "-output.bin")))) {
            Nd4j.write(out, o);
        }
    }
}

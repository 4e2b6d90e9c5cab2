package io.github.learnpad.cli;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.training.Threads;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static io.github.learnpad.cli.LearnPadCliTest.cli;
import static org.junit.jupiter.api.Assertions.*;

/** The command line as a newcomer meets it: image sizes, typing the demo twice, bench's stdout. */
class NewcomerCliTest {
    @TempDir
    static Path tmp;
    static Path data;

    /** What M2.1's SameDiff prints to stdout per differentiated op. */
    static final String SAMEDIFF_LINE = "Added differentiated op ";

    @BeforeAll
    static void setUp() throws IOException {
        data = fakeFashionMnist(tmp);
    }

    /** One ND4J thread and a tiny Fashion-MNIST-like set (48 training, 24 test images) in {@code tmp/fmnist}. */
    static Path fakeFashionMnist(Path tmp) throws IOException {
        Threads.limit(1);
        Path dir = tmp.resolve("fmnist");
        Files.createDirectories(dir);
        LearnPadCliTest.writeIdx(dir, "train", 48, 5);
        LearnPadCliTest.writeIdx(dir, "t10k", 24, 6);
        return dir;
    }

    /** What {@code task} prints to System.out. */
    static String stdout(java.util.concurrent.Callable<?> task) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(seen, true, StandardCharsets.UTF_8));
            task.call();
        } finally {
            System.setOut(old);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // --image-size

    /**
     * {@code train --model vgg16 --dataset fashion-mnist}: the data is loaded at 32x32 and the network built for it
     * takes it (the whole command is not run here: a VGG16 epoch is too slow for the default suite).
     */
    @Test
    void vgg16OnFashionMnistResizesTo32AndSaysSoInOneLine() throws Exception {
        TrainCommand cmd = new TrainCommand();
        new picocli.CommandLine(cmd).parseArgs("--model", "vgg16", "--dataset", "fashion-mnist", "--data-dir",
                data.toString(), "--subset", "4", "--test-subset", "2");
        TrainingOptions o = cmd.options;
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunData d;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            d = RunData.load(o);
        } finally {
            System.setErr(old);
        }
        assertEquals("learnpad: vgg16 does not take 28x28 images; resizing them to 32x32, the smallest size it takes "
                + "(choose another with --image-size)\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(32, d.train.height());
        assertEquals(32, d.test.width());
        assertEquals(32, d.describe().get("imageSize"), "run.json records the size used");
        org.deeplearning4j.nn.graph.ComputationGraph net = o.network(PaddingMode.ZERO, d.train.numClasses(),
                d.train.channels(), d.train.height(), d.train.width(), 1);
        assertArrayEquals(new long[]{4, 10}, net.outputSingle(d.train.features()).shape());
    }

    @Test
    void anExplicitSizeThatDoesNotFitNamesTheOption() {
        LearnPadCliTest.Run r = cli("train", "--model", "vgg16", "--image-size", "40", "--data-dir", data.toString(),
                "--out", tmp.resolve("no").toString(), "--progress", "none");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("learnpad: error: --image-size 40 does not fit --model vgg16: Vgg16: input "
                + "height and width must be multiples of 32"), r.err());
        assertTrue(r.err().contains("try --image-size 64"), r.err());
        assertFalse(Files.exists(tmp.resolve("no")), "nothing written for a refused size");
    }

    @Test
    void sizesTheModelTakesAreLeftAlone() {
        TrainingOptions o = new TrainingOptions();
        o.model = Architecture.SMALL;
        o.lr = 1e-3;
        assertNull(o.whyNot(28, 28), "the small CNN takes Fashion-MNIST as it is");
        o.model = Architecture.VGG16;
        assertNotNull(o.whyNot(28, 28));
        assertEquals(32, o.smallestAcceptedSize(28, 28));
        assertEquals(64, o.smallestAcceptedSize(33, 40));
        assertNull(o.whyNot(32, 32));
        o.model = Architecture.RESNET50;
        assertNull(o.whyNot(28, 28), "ResNet50's cifar layout (the default up to 64x64) takes 28x28");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // demo typed twice (DemoRuns with a tiny comparison in place of the demo's 3000-image one)

    static TrainingOptions tinyDemo(int epochs) {
        TrainingOptions o = new TrainingOptions();
        o.model = Architecture.SMALL;
        o.data.dataset = "fashion-mnist";
        o.data.dataDir = data;
        o.channels = io.github.learnpad.data.ChannelPolicy.KEEP;
        o.epochs = epochs;
        o.batch = 16;
        o.lr = 0.002;
        o.subset = 16;
        o.testSubset = 8;
        o.progress = Progress.NONE;
        o.dataSeed = 1;
        return o;
    }

    private static final PaddingVariant ZERO = PaddingVariant.of(PaddingMode.ZERO);

    static boolean demoStep(Path out, TrainingOptions o, PrintStream log) throws Exception {
        List<PaddingVariant> paddings = List.of(ZERO);
        boolean reuse = DemoRuns.prepare(out, DemoCommand.settings(o, paddings), log);
        CompareCommand.run(ComparisonSpec.builder().training(o).paddings(paddings).seeds(List.of(1L)).out(out)
                .resume(reuse).galleryPad(0).build());
        return reuse;
    }

    @Test
    void theDemoReusesMatchingRunsAndStartsOverWhenSettingsChange() throws Exception {
        Path out = tmp.resolve("demo");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertFalse(demoStep(out, tinyDemo(1), ps), "first demo: fresh runs");
        Path ckpt = out.resolve("runs/zero-seed1/checkpoints/epoch-0001.zip");
        FileTime trained = Files.getLastModifiedTime(ckpt);
        String results = Files.readString(out.resolve("results.md"));

        // What the demo did before: a fresh comparison into the same directory is refused (as fresh train runs are).
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CompareCommand.run(ComparisonSpec.builder().training(tinyDemo(1)).paddings(List.of(ZERO))
                        .seeds(List.of(1L)).out(out).galleryPad(0).build()));
        assertTrue(e.getMessage().contains("already holds checkpoints"), e.getMessage());

        // Typed again with the same settings: the finished run is reused, not trained again.
        assertTrue(demoStep(out, tinyDemo(1), ps));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("reusing the demo's runs"), log.toString());
        assertEquals(trained, Files.getLastModifiedTime(ckpt), "the finished run was trained again");
        assertEquals(results, Files.readString(out.resolve("results.md")));

        // Other settings (here 2 epochs): start over.
        assertFalse(demoStep(out, tinyDemo(2), ps));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("holds a demo with other settings; starting over"));
        assertTrue(Files.exists(out.resolve("runs/zero-seed1/checkpoints/epoch-0002.zip")));
        JsonNode marker = new ObjectMapper().readTree(out.resolve(DemoRuns.MARKER).toFile());
        assertEquals(2, marker.get("epochs").asInt());
    }

    @Test
    void runsWithoutDemoJsonAreReusedOnlyIfTheyAreTheDemos() throws Exception {
        Path out = tmp.resolve("legacy");
        TrainingOptions o = tinyDemo(1);
        // a demo before demo.json
        CompareCommand.run(ComparisonSpec.builder().training(o).paddings(List.of(ZERO)).seeds(List.of(1L)).out(out)
                .galleryPad(0).build());
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Map<String, Object> other = DemoCommand.settings(tinyDemo(1), List.of(ZERO));
        other.put("lr", 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DemoRuns.prepare(out, other, quiet));
        assertTrue(e.getMessage().contains("did not make (zero-seed1)") && e.getMessage().contains("--out"),
                e.getMessage());
        assertTrue(Files.exists(out.resolve("runs/zero-seed1/model.zip")), "refusing deletes nothing");
        assertFalse(Files.exists(out.resolve(DemoRuns.MARKER)));

        assertTrue(DemoRuns.prepare(out, DemoCommand.settings(o, List.of(ZERO)), quiet),
                "the same settings are recognised in the checkpoints and reused");
    }

    @Test
    void freshTrainRunsStillRefuseToOverwrite() {
        Path out = tmp.resolve("train-twice");
        String[] args = {"train", "--data-dir", data.toString(), "--epochs", "1", "--batch", "16", "--subset", "16",
                "--test-subset", "8", "--out", out.toString(), "--progress", "none"};
        assertEquals(0, cli(args).code());
        LearnPadCliTest.Run again = cli(args);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds checkpoints of a run; continue it with --resume"), again.err());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // bench

    @Test
    void benchPrintsOnlyItsTableOnStdout() {
        LearnPadCliTest.Run r = cli("bench", "--shape", "2,2,6,6", "--reps", "1");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains(SAMEDIFF_LINE), r.out());
        assertTrue(r.out().contains("ZeroPaddingLayer") && r.out().contains("SAMEDIFF"), r.out());
    }

    /** The check above has teeth: the SAMEDIFF reference layer does print SameDiff's lines to stdout when it trains. */
    @Test
    void theSameDiffReferencePrintsToStdoutOutsideTheBenchmark() throws Exception {
        String raw = stdout(() -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                    .layer(new PaddingModule.Builder().padding(1)
                            .implementation(PaddingModule.Implementation.SAMEDIFF).build())
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                    .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(6, 6, 2)).build());
            net.init();
            net.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6),
                    Nd4j.eye(2).castTo(DataType.FLOAT)));
            return null;
        });
        assertTrue(raw.contains(SAMEDIFF_LINE), "the bench test above would pass without the redirection");
    }
}

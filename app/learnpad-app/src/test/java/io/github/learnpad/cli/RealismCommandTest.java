package io.github.learnpad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealismCommandTest {

    /** A folder dataset of 16x16 grey gradient images with noise, two "classes". */
    private static Path folder(Path dir) throws Exception {
        Random rnd = new Random(7);
        for (String cls : new String[]{"a", "b"}) {
            Path d = Files.createDirectories(dir.resolve("data").resolve(cls));
            for (int k = 0; k < 15; k++) {
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                double u = rnd.nextDouble() * 8, v = rnd.nextDouble() * 8;
                for (int i = 0; i < 16; i++) {
                    for (int j = 0; j < 16; j++) {
                        int g = (int) Math.max(0, Math.min(255, 60 + u * i + v * j + rnd.nextGaussian() * 4));
                        img.getRaster().setSample(j, i, 0, g);
                    }
                }
                ImageIO.write(img, "png", d.resolve(k + ".png").toFile());
            }
        }
        return dir.resolve("data");
    }

    /** {@code learnpad realism ARGS} through the command line's entry point; stdout and stderr into {@code out}. */
    private static int run(StringWriter out, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "realism";
        System.arraycopy(args, 0, all, 1, args.length);
        LearnPadCliTest.Run r = LearnPadCliTest.cli(all);
        out.write(r.out());
        out.write(r.err());
        return r.code();
    }

    @Test
    void writesTablesJsonChartsAndGallery(@TempDir Path dir) throws Exception {
        Path data = folder(dir);
        Path out = dir.resolve("out");
        StringWriter sw = new StringWriter();
        int code = run(sw, "--dataset", "folder:" + data, "--band", "1,3", "--train-images", "20", "--test-images", "6",
                "--epochs", "2", "--batch", "8", "--gallery", "3", "--out", out.toString());
        assertEquals(0, code, sw.toString());
        for (String f : new String[]{"realism.md", "realism.json", "realism-psnr-b1.png", "realism-psnr-b3.png",
                "realism-gallery-b1.png", "realism-gallery-b3.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("realism.json").toFile());
        assertEquals(2, json.get("bands").size());
        JsonNode b3 = json.get("bands").get(1);
        assertEquals(3, b3.get("band").asInt());
        assertEquals(6, b3.get("modes").get("replicate").get("ring3").get("mse").get("n").asInt());
        assertEquals(6, b3.get("learnedFit").get("steps").asInt());   // 2 epochs x ceil(20 / 8)
        String md = Files.readString(out.resolve("realism.md"));
        assertTrue(md.contains("| learned |") && md.contains("ring 3"), md);
        BufferedImage gallery = ImageIO.read(out.resolve("realism-gallery-b3.png").toFile());
        assertTrue(gallery.getWidth() > 7 * 16 * 7, "columns: original, centre, 5 modes, enlarged");
    }

    @Test
    void modelMode_writesOneRowPerPaddingModule(@TempDir Path dir) throws Exception {
        Path data = folder(dir);
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3).list()
                        .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(2).build())
                        .layer(new io.github.learnpad.layers.PaddingModule.Builder().padding(1).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer())
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(2)
                                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                        .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(16, 16, 1)).build());
        net.init();
        Path run = Files.createDirectories(dir.resolve("run"));
        org.deeplearning4j.util.ModelSerializer.writeModel(net, run.resolve("model.zip").toFile(), false);
        Path out = dir.resolve("fm");
        StringWriter sw = new StringWriter();
        int code = run(sw, "--model", run.toString(), "--dataset", "folder:" + data, "--test-images", "5",
                "--out", out.toString());
        assertEquals(0, code, sw.toString());
        JsonNode json = new ObjectMapper().readTree(out.resolve("featuremaps.json").toFile());
        assertEquals(1, json.get("layers").size());
        assertEquals(5, json.get("images").asInt());
        assertTrue(Files.readString(out.resolve("featuremaps.md")).contains("| layer 1 | 2 x 14 x 14 |"));
    }

    @Test
    void unknownPaddingIsAnError(@TempDir Path dir) throws Exception {
        Path data = folder(dir);
        StringWriter sw = new StringWriter();
        int code = run(sw, "--dataset", "folder:" + data, "--paddings", "zero,mirror", "--band", "1",
                "--train-images", "4", "--test-images", "2", "--out", dir.resolve("o").toString());
        assertNotEquals(0, code);
        assertTrue(sw.toString().contains("mirror"), sw.toString());
    }
}

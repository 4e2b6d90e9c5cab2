package io.github.learnpad.realism;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns photographs of any size into an image-folder dataset of equal tiles: each photo is scaled (area averaging)
 * to a given width, then cut into non-overlapping {@code tile x tile} squares (partial tiles at the right and bottom
 * are dropped), written as PNG to {@code OUT/<photo name>/t_000.png, ...} (one "class" per photo, so that the folder
 * reader can load it).
 *
 * <pre>java -cp target/learnpad.jar:target/lib/* io.github.learnpad.realism.PhotoTiles IN_DIR OUT_DIR [tile=64] [width=512]</pre>
 */
public final class PhotoTiles {

    private PhotoTiles() {
    }

    /** Tiles every PNG/JPEG directly in {@code in}; returns the number of tiles written. */
    public static int tile(Path in, Path out, int tile, int width) throws IOException {
        List<Path> photos;
        try (Stream<Path> s = Files.list(in)) {
            photos = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().collect(Collectors.toList());
        }
        if (photos.isEmpty()) {
            throw new IOException("no .png/.jpg photos in " + in);
        }
        int count = 0;
        for (Path p : photos) {
            BufferedImage src = ImageIO.read(p.toFile());
            if (src == null) {
                throw new IOException(p + ": not a readable image");
            }
            int w = width, h = (int) Math.round((double) src.getHeight() * width / src.getWidth());
            BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.drawImage(src.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
            g.dispose();
            String name = p.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            Path dir = out.resolve(name);
            Files.createDirectories(dir);
            int k = 0;
            for (int y = 0; y + tile <= h; y += tile) {
                for (int x = 0; x + tile <= w; x += tile) {
                    ImageIO.write(scaled.getSubimage(x, y, tile, tile), "png",
                            dir.resolve(String.format(Locale.ROOT, "t_%03d.png", k++)).toFile());
                }
            }
            count += k;
        }
        return count;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PhotoTiles IN_DIR OUT_DIR [tile=64] [width=512]");
            System.exit(2);
        }
        int tile = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int width = args.length > 3 ? Integer.parseInt(args[3]) : 512;
        int n = tile(Path.of(args[0]), Path.of(args[1]), tile, width);
        System.out.println("wrote " + n + " tiles of " + tile + "x" + tile + " to " + args[1]);
    }
}

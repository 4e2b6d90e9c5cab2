package io.github.learnpad;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every relative link in README.md and docs/*.md points to a file of the repository, and every {@code #anchor} into a
 * Markdown file to one of its headings (GitHub's heading ids). Run in the repository's root, as the library's tests are.
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    /** GitHub's id of a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        StringBuilder b = new StringBuilder();
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }

    /** A Markdown file's lines outside fenced code blocks. */
    static List<String> prose(Path md) throws IOException {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(md)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code) {
                out.add(line);
            }
        }
        return out;
    }

    /** The ids of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 suffixes for repeats. */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String line : prose(md)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String id = slug(m.group(1));
                String unique = id;
                for (int n = 1; ids.contains(unique); n++) {
                    unique = id + "-" + n;
                }
                ids.add(unique);
            }
        }
        return ids;
    }

    /** "file: link: what is wrong" for each broken relative link of {@code md}. */
    static List<String> broken(Path md) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String line : prose(md)) {
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? md : md.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    problems.add(md + ": " + link + ": no file " + target);
                } else if (hash >= 0 && target.toString().endsWith(".md")
                        && !anchors(target).contains(link.substring(hash + 1))) {
                    problems.add(md + ": " + link + ": no heading with that id in " + target);
                }
            }
        }
        return problems;
    }

    @Test
    void readmeAndDocsLinksResolve() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 5, files.toString());
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            problems.addAll(broken(f));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void findsABrokenAnchorAndABrokenFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("a.md"), "# Title\n## DL4J's `oneDNN` helpers: whole models\n## Title\n");
        Files.writeString(tmp.resolve("b.md"), "[ok](a.md#dl4js-onednn-helpers-whole-models) [ok2](a.md#title-1)\n"
                + "[bad](a.md#no-such) [gone](c.md) [web](https://example.org/x#y)\n```\n[code](x.md)\n```\n");
        List<String> p = broken(tmp.resolve("b.md"));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("a.md#no-such") && p.get(1).contains("c.md"), p.toString());
    }
}

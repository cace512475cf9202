package dev.tenantry.migration.cli;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import dev.tenantry.migration.Migration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.bson.Document;
import org.jspecify.annotations.NullMarked;
import org.slf4j.Logger;

/** Builds a jar of migrations that only exists in the test, as a user's would: compiled, listed for ServiceLoader. */
final class MigrationJars {

    static final String CLASS = "jarred.JarMigration";

    private MigrationJars() {
    }

    /** A jar holding {@value #CLASS} (id {@code from-jar}, version 7, inserts one document) and its service file. */
    static Path jar(Path dir) throws IOException {
        Path classes = compile(dir.resolve("classes"));
        Path jar = dir.resolve("migrations.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A class directory holding {@value #CLASS} and its service file. */
    static Path compile(Path classes) throws IOException {
        Path src = classes.resolveSibling("src").resolve("jarred");
        Files.createDirectories(src);
        Path source = src.resolve("JarMigration.java");
        Files.writeString(source, String.join("\n",
                "package jarred;",
                "import dev.tenantry.migration.Migration;",
                "import dev.tenantry.migration.MigrationContext;",
                "public class JarMigration implements Migration {",
                "    public String id() { return \"from-jar\"; }",
                "    public long version() { return 7; }",
                "    public String description() { return \"a migration from a jar\"; }",
                "    public void execute(MigrationContext ctx) {",
                "        ctx.database().getCollection(\"from_jar\").insertOne(new org.bson.Document(\"ok\", true));",
                "    }",
                "}", ""), StandardCharsets.UTF_8);
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "17", "-proc:none", "-classpath",
                classPath(), "-d", classes.toString(), source.toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed (" + rc + "): "
                    + diagnostics.toString(StandardCharsets.UTF_8));
        }
        Path services = classes.resolve(MigrationLoader.SERVICE_FILE);
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# a comment, as users write\n" + CLASS + "\n", StandardCharsets.UTF_8);
        return classes;
    }

    /** Where the migration API and what its signatures name live, wherever the test runner put them. */
    private static String classPath() {
        List<String> paths = new ArrayList<>();
        for (Class<?> type : List.of(Migration.class, MongoClient.class, MongoClientSettings.class, Document.class,
                NullMarked.class, Logger.class)) {
            try {
                paths.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, paths);
    }
}

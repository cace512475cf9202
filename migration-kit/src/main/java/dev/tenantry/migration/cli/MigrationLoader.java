package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Finds the user's migrations: classes implementing {@link Migration}, from jars or class directories given with
 * {@code --migrations-jar}, listed for {@link ServiceLoader} in
 * {@code META-INF/services/dev.tenantry.migration.Migration} (there or on the command line's own class path), or
 * named one by one with {@code --migration}.
 *
 * <p>Holds the class loader of those jars open until {@link #close() closed}, after the migrations ran.
 */
final class MigrationLoader implements AutoCloseable {

    static final String SERVICE_FILE = "META-INF/services/dev.tenantry.migration.Migration";

    private final @Nullable URLClassLoader jarLoader;
    private final ClassLoader loader;

    private MigrationLoader(@Nullable URLClassLoader jarLoader, ClassLoader loader) {
        this.jarLoader = jarLoader;
        this.loader = loader;
    }

    /**
     * A loader over {@code jars} (jar files or class directories), whose parent is {@code parent}.
     *
     * @throws CliException with the usage exit code if a path does not exist
     */
    static MigrationLoader over(List<Path> jars, ClassLoader parent) {
        if (jars.isEmpty()) {
            return new MigrationLoader(null, parent);
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            Path path = jars.get(i);
            if (!Files.exists(path)) {
                throw new CliException(TenantryMigrate.EXIT_USAGE, "--migrations-jar " + path
                        + ": no such file or directory");
            }
            try {
                urls[i] = path.toAbsolutePath().toUri().toURL();
            } catch (MalformedURLException e) {
                throw new CliException(TenantryMigrate.EXIT_USAGE, "--migrations-jar " + path + ": " + e.getMessage(),
                        e);
            }
        }
        URLClassLoader jarLoader = new URLClassLoader("tenantry-migrations", urls, parent);
        return new MigrationLoader(jarLoader, jarLoader);
    }

    /**
     * The migrations: those {@link ServiceLoader} finds, then the named classes, each class once.
     *
     * @throws CliException with the usage exit code if a class cannot be found, is not a {@link Migration}, or has no
     *     public no-argument constructor; with the failure exit code if a constructor throws
     */
    List<Migration> load(List<String> classNames) {
        Map<String, Migration> found = new LinkedHashMap<>();
        try {
            for (Migration m : ServiceLoader.load(Migration.class, loader)) {
                found.putIfAbsent(m.getClass().getName(), m);
            }
        } catch (ServiceConfigurationError e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "cannot load the migrations listed in " + SERVICE_FILE
                    + ": " + e.getMessage(), e);
        }
        for (String name : classNames) {
            Class<?> type = find(name.trim());
            if (!found.containsKey(type.getName())) {
                found.put(type.getName(), instantiate(type));
            }
        }
        return new ArrayList<>(found.values());
    }

    private Class<?> find(String name) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // A nested class may be written with dots (a.b.Outer.Inner): try Outer$Inner before giving up.
                int dot = candidate.lastIndexOf('.');
                if (dot < 0 || e instanceof LinkageError) {
                    throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": "
                            + (e instanceof LinkageError ? "cannot load the class: " + e
                                    : "class not found on the class path" + (jarLoader == null
                                            ? " (add its jar or class directory with --migrations-jar)"
                                            : " or in the --migrations-jar paths")), e);
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }

    private static Migration instantiate(Class<?> type) {
        String name = type.getName();
        if (!Migration.class.isAssignableFrom(type)) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": not a migration (it does "
                    + "not implement " + Migration.class.getName() + ")");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": is abstract; name a "
                    + "concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": has no public "
                    + "no-argument constructor", e);
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": is not public");
        }
        try {
            return (Migration) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new CliException(TenantryMigrate.EXIT_FAILED, "--migration " + name + ": its constructor failed: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "--migration " + name + ": cannot create it: " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (jarLoader != null) {
            jarLoader.close();
        }
    }
}

package dev.tenantry.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.internal.Backends;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.jspecify.annotations.Nullable;

/**
 * JUnit 5 extension that hands a test a MongoDB: a {@link MongoBackend}, a {@link MongoClient} and a
 * {@link MongoDatabase} that is fresh for each test class and dropped after it.
 *
 * <p>Use it through {@link MongoTest}. Parameters of those three types are resolved in constructors, lifecycle
 * methods and test methods. A class or method annotated {@link RequiresCapability} is skipped, with the missing
 * feature named, on a backend that lacks it; every class is skipped with the reason when the requested backend cannot
 * run (Testcontainers without Docker).
 *
 * <p>Thread-safe: it holds no state of its own; what it creates for a test class lives in that class's JUnit extension
 * store.
 *
 * @since 0.1
 */
public final class MongoFixture implements BeforeAllCallback, AfterAllCallback, ParameterResolver, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MongoFixture.class);
    private static final String CLIENT = "client";
    private static final String DATABASE = "database";

    /** Creates the extension; JUnit does this for {@link MongoTest}. */
    public MongoFixture() {
    }

    /**
     * The backend of this JVM, started on first use.
     *
     * @throws org.opentest4j.TestAbortedException if the requested backend cannot run here
     */
    public static MongoBackend backend() {
        Backends.Selection selection = Backends.get();
        MongoBackend backend = selection.backend();
        if (backend == null) {
            throw new org.opentest4j.TestAbortedException(selection.unavailableReason());
        }
        return backend;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Backends.Selection selection = Backends.get();
        MongoBackend backend = selection.backend();
        if (backend == null) {
            return ConditionEvaluationResult.disabled(selection.unavailableReason());
        }
        List<String> missing = new ArrayList<>();
        for (AnnotatedElement element : annotatedElements(context)) {
            RequiresCapability required = element.getAnnotation(RequiresCapability.class);
            if (required == null) {
                continue;
            }
            for (Capability capability : required.value()) {
                if (!backend.supports(capability)) {
                    missing.add(capability.description());
                }
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("the " + backend.name() + " MongoDB has what this test needs");
        }
        return ConditionEvaluationResult.disabled("needs " + String.join(", ", missing) + ", which the "
                + backend.name() + " MongoDB lacks; runs against a real server (MONGODB_URI or "
                + "-Dtenantry.mongo=testcontainers)");
    }

    private static List<AnnotatedElement> annotatedElements(ExtensionContext context) {
        List<AnnotatedElement> elements = new ArrayList<>(2);
        context.getTestClass().ifPresent(elements::add);
        context.getTestMethod().ifPresent(elements::add);
        return elements;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        classStore(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        MongoDatabase database = store.remove(DATABASE, MongoDatabase.class);
        MongoClient client = store.remove(CLIENT, MongoClient.class);
        try {
            if (database != null) {
                database.drop();
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == MongoBackend.class || type == MongoClient.class || type == MongoDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == MongoBackend.class) {
            return backend();
        }
        ExtensionContext.Store store = classStore(extensionContext);
        Object value = store.get(type == MongoClient.class ? CLIENT : DATABASE);
        if (value == null) {
            throw new ParameterResolutionException("no MongoDB fixture for " + extensionContext.getDisplayName());
        }
        return value;
    }

    /** The store of the class-level context, where the client and the class's database live. */
    private static ExtensionContext.Store classStore(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        if (store.get(CLIENT) == null) {
            MongoClient client = backend().newClient();
            store.put(CLIENT, client);
            store.put(DATABASE, client.getDatabase(databaseName(classContext.getRequiredTestClass())));
        }
        return store;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent()) {
            current = current.getParent().orElseThrow();
        }
        return current;
    }

    /**
     * A database name unique to this run: {@code t_<class>_<random>}, at most 38 characters so it fits every
     * MongoDB deployment (Atlas included).
     */
    static String databaseName(@Nullable Class<?> testClass) {
        String simple = testClass == null ? "test" : testClass.getSimpleName().toLowerCase(Locale.ROOT);
        String cleaned = simple.replaceAll("[^a-z0-9]", "");
        if (cleaned.length() > 24) {
            cleaned = cleaned.substring(0, 24);
        }
        return "t_" + cleaned + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFL);
    }
}

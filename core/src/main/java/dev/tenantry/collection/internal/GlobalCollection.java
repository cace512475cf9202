package dev.tenantry.collection.internal;

import com.mongodb.client.MongoCollection;
import dev.tenantry.Tenants;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A global collection ({@code TenantDatabase.Builder.globalCollection}) as the driver view hands it out: the driver's
 * own collection, unscoped in every scope, except for what could reach tenant data from it or change it for every
 * tenant at once, which runs only in system scope. Outside system scope an aggregation pipeline (and a change
 * stream's) is rendered once, checked ({@link PipelineScoper#checkGlobal}, {@link
 * PipelineScoper#checkChangeStreamStages}) and the checked copy is what is sent; dropping or renaming the collection,
 * dropping its indexes, map-reduce (whose output names a collection) and search-index changes are refused. Every
 * other method is the driver's, and collections it derives ({@code withCodecRegistry}, ...) are wrapped the same
 * way. Immutable and thread-safe.
 */
final class GlobalCollection implements InvocationHandler {

    /** Methods that change the collection for every tenant at once, or write to a collection they name. */
    private static final Set<String> SYSTEM_ONLY = Set.of("drop", "renameCollection", "dropIndex", "dropIndexes",
            "mapReduce", "createSearchIndex", "createSearchIndexes", "updateSearchIndex", "dropSearchIndex");

    private final MongoCollection<?> raw;
    private final Predicate<String> isGlobal;

    private GlobalCollection(MongoCollection<?> raw, Predicate<String> isGlobal) {
        this.raw = raw;
        this.isGlobal = isGlobal;
    }

    /** {@code raw}, a global collection, as the driver view hands it out. */
    @SuppressWarnings("unchecked")
    static <T> MongoCollection<T> of(MongoCollection<T> raw, Predicate<String> isGlobal) {
        return (MongoCollection<T>) Proxy.newProxyInstance(GlobalCollection.class.getClassLoader(),
                new Class<?>[] {MongoCollection.class}, new GlobalCollection(raw, isGlobal));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "GlobalCollection{" + raw.getNamespace() + "}";
            };
        }
        String name = method.getName();
        @Nullable Object[] sent = args;
        if (!Tenants.inSystemScope()) {
            if (SYSTEM_ONLY.contains(name)) {
                throw Refusals.refusal(name + " on global collection '" + raw.getNamespace().getCollectionName() + "'",
                        "it changes the collection, or writes a collection it names, for every tenant at once");
            }
            if ("aggregate".equals(name) || "watch".equals(name)) {
                sent = checkedPipeline(name, method, args);
            }
        }
        Object result;
        try {
            result = method.invoke(raw, sent);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result instanceof MongoCollection<?> derived ? of(derived, isGlobal) : result;
    }

    /** The arguments with the pipeline rendered once and checked: the copy checked is the copy sent. */
    private @Nullable Object[] checkedPipeline(String name, Method method, @Nullable Object[] args) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (List.class.isAssignableFrom(types[i]) && args != null) {
                Renderer renderer = new Renderer(raw.getDocumentClass(), raw.getCodecRegistry());
                @SuppressWarnings("unchecked")
                List<BsonDocument> pipeline = renderer.renderAll((List<? extends Bson>) args[i], "pipeline");
                if ("aggregate".equals(name)) {
                    PipelineScoper.checkGlobal(pipeline, isGlobal);
                } else {
                    PipelineScoper.checkChangeStreamStages(pipeline);
                }
                Object[] sent = args.clone();
                sent[i] = new ArrayList<>(pipeline);
                return sent;
            }
        }
        return args;
    }
}

package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.MongoIterable;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

/**
 * Every public data entry point of {@link TenantCollection}, found by reflection, must throw
 * {@link MissingTenantException} where no tenant is set, so a method added later cannot escape the rule. The same
 * holds for running an iterable outside the scope it was built in.
 */
@MongoTest
class MissingTenantSweepIT {

    /** Configuration accessors and derivations: they touch no data, so they need no tenant. */
    private static final Set<String> NO_DATA = Set.of("getLogicalName", "getIsolation", "getTenantField",
            "getDocumentClass", "getCodecRegistry", "getReadPreference", "getWriteConcern", "getReadConcern",
            "withDocumentClass", "withCodecRegistry", "withReadPreference", "withWriteConcern", "withReadConcern",
            "withDeleted", "onlyDeleted");

    private final TenantCollection<Document> items;
    private final TenantCollection<Document> own;

    MissingTenantSweepIT(MongoClient client, MongoDatabase database) {
        TenantDatabase db = TenantDatabase.builder(client, database.getName()).collection("items")
                .collection("own", IsolationStrategy.COLLECTION_PER_TENANT).build();
        items = db.getCollection("items");
        own = db.getCollection("own");
    }

    @Test
    void everyDataMethodFailsClosedWithoutATenant() throws Exception {
        List<String> swept = new ArrayList<>();
        for (Method method : TenantCollection.class.getMethods()) {
            if (NO_DATA.contains(method.getName()) || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Object[] args = arguments(method);
            try {
                method.invoke(items, args);
                fail(method + " ran without a tenant");
            } catch (InvocationTargetException e) {
                assertInstanceOf(MissingTenantException.class, e.getCause(), method.toString());
            }
            swept.add(method.getName());
        }
        assertTrue(swept.size() >= 58, "swept only " + swept.size() + " methods: " + swept);
    }

    @Test
    void iterablesRefuseToRunOutsideTheScopeTheyWereBuiltIn() throws Exception {
        TenantId tenant = TenantId.of("a");
        List<MongoIterable<?>> built = Tenants.call(tenant, () -> List.of(
                items.find(), items.aggregate(List.of()), items.distinct("x", String.class), own.listIndexes(),
                items.watch(), items.find().map(d -> d)));
        int swept = 0;
        for (MongoIterable<?> iterable : built) {
            for (Method method : publicInterfaceMethods(iterable.getClass())) {
                boolean terminal = !MongoIterable.class.isAssignableFrom(method.getReturnType())
                        && method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())
                        && !"toCollection".equals(method.getName()) && method.getReturnType() != void.class
                        || "forEach".equals(method.getName());
                if (!terminal) {
                    continue;
                }
                try {
                    method.invoke(iterable, arguments(method));
                    fail(method + " ran without a tenant");
                } catch (InvocationTargetException e) {
                    assertInstanceOf(MissingTenantException.class, e.getCause(), method.toString());
                }
                swept++;
            }
        }
        assertTrue(swept >= 20, "swept only " + swept);
    }

    /** The methods of the driver interfaces an implementation class exposes (the class itself is not public). */
    private static List<Method> publicInterfaceMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> iface : c.getInterfaces()) {
                for (Method method : iface.getMethods()) {
                    if (seen.add(method.getName() + java.util.Arrays.toString(method.getParameterTypes()))) {
                        methods.add(method);
                    }
                }
            }
        }
        return methods;
    }

    /** A harmless, non-null argument for each parameter; a new parameter type fails here until it is added. */
    private static Object[] arguments(Method method) throws Exception {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i];
            if (type == Bson.class || type == Object.class) {
                args[i] = new Document();
            } else if (type == List.class || type == java.util.Collection.class) {
                args[i] = new ArrayList<>();
            } else if (type == Class.class) {
                args[i] = Document.class;
            } else if (type == String.class) {
                args[i] = "x";
            } else if (type == Consumer.class) {
                args[i] = (Consumer<Object>) o -> { };
            } else if (type == com.mongodb.ExplainVerbosity.class) {
                args[i] = com.mongodb.ExplainVerbosity.QUERY_PLANNER;
            } else if (type.getName().startsWith("com.mongodb.client.model.")) {
                args[i] = type.getConstructor().newInstance();
            } else {
                throw new AssertionError("no sample argument for " + type + " in " + method
                        + "; add one so the sweep covers it");
            }
        }
        return args;
    }
}

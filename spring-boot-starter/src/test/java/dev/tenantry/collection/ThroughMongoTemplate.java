package dev.tenantry.collection;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.tenantry.spring.TenantMongoDatabaseFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The Spring path to a registered collection, for the collection contract suite: the {@code MongoCollection} that
 * {@link MongoTemplate#getCollection} hands out from a {@link TenantMongoDatabaseFactory} (the object every template
 * and repository operation runs on), seen as a {@link TenantCollection} whose every method calls the driver method
 * of the same name and parameter types. {@code TenantCollection} mirrors the driver's signatures, so each contract
 * case runs unchanged through the driver view; a case that needed a method the driver lacks fails loudly here.
 */
final class ThroughMongoTemplate implements InvocationHandler {

    private final MongoCollection<?> driver;

    private ThroughMongoTemplate(MongoCollection<?> driver) {
        this.driver = driver;
    }

    /** The collection {@code logical} of {@code registry} as {@code MongoTemplate} hands it out, built on client. */
    static TenantCollection<Document> open(MongoClient client, TenantDatabase registry, String logical) {
        MongoTemplate template = new MongoTemplate(new TenantMongoDatabaseFactory(client, registry));
        return view(template.getCollection(logical));
    }

    /**
     * As {@link #open}, bound to {@code session} by {@link MongoTemplate#withSession}: the collection its operations
     * run on, which Spring's proxy routes call by call to the driver's {@code ClientSession} overload (as for
     * {@code @Transactional}). The session-bound template's {@code getCollection} hands out the unbound collection
     * on purpose, so the collection is taken from inside {@code execute}.
     */
    static TenantCollection<Document> openInSession(MongoClient client, TenantDatabase registry, String logical,
                                                    ClientSession session) {
        MongoTemplate template = new MongoTemplate(new TenantMongoDatabaseFactory(client, registry));
        MongoCollection<Document> bound = template.withSession(session).execute(logical, collection -> collection);
        return view(Objects.requireNonNull(bound));
    }

    @SuppressWarnings("unchecked")
    static <T> TenantCollection<T> view(MongoCollection<T> driver) {
        return (TenantCollection<T>) Proxy.newProxyInstance(TenantCollection.class.getClassLoader(),
                new Class<?>[] {TenantCollection.class}, new ThroughMongoTemplate(driver));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                default:
                    return "through MongoTemplate: " + driver.getNamespace();
            }
        }
        Method same;
        try {
            same = MongoCollection.class.getMethod(method.getName(), method.getParameterTypes());
        } catch (NoSuchMethodException e) {
            throw new UnsupportedOperationException("the driver's MongoCollection has no " + method
                    + "; a contract case that runs through MongoTemplate may use only driver methods", e);
        }
        Object result;
        try {
            result = same.invoke(driver, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result instanceof MongoCollection<?> derived ? view(derived) : result;
    }
}

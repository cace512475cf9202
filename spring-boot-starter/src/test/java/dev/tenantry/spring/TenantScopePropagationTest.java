package dev.tenantry.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.spring.autoconfigure.TenantryAutoConfiguration;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * The tenant scope follows work across Spring's threads: {@code @Async} through the auto-configured executor's
 * {@link TenantScopeTaskDecorator}, and anything instrumented with Micrometer context-propagation through {@link
 * TenantScopeAccessor}; work started with no scope fails closed, also on a thread that served a tenant before.
 */
class TenantScopePropagationTest {

    private static final TenantId ACME = TenantId.of("acme");

    /** A bean with an {@code @Async} method that answers the tenant it runs in. */
    static class Worker {
        @Async
        public CompletableFuture<TenantId> currentTenant() {
            return CompletableFuture.completedFuture(Tenants.current());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncApp {
        @Bean
        Worker worker() {
            return new Worker();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TenantryAutoConfiguration.class))
            .withUserConfiguration(AsyncApp.class)
            // One worker thread: the second task runs on the thread that served acme.
            .withPropertyValues("spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1");

    @Test
    void asyncWorkRunsInTheCallersTenantAndWithoutOneFailsClosed() {
        runner.run(context -> {
            Worker worker = context.getBean(Worker.class);
            assertEquals(ACME, Tenants.call(ACME, worker::currentTenant).get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> worker.currentTenant().get(10, TimeUnit.SECONDS));
            assertInstanceOf(MissingTenantException.class, e.getCause());
        });
    }

    @Test
    void anApplicationsTaskDecoratorWins() {
        TaskDecorator own = runnable -> runnable;
        runner.withBean("ownDecorator", TaskDecorator.class, () -> own)
                .run(context -> assertThat(context).doesNotHaveBean(TenantScopeTaskDecorator.class)
                        .getBean(TaskDecorator.class).isSameAs(own));
    }

    @Test
    void contextPropagationCarriesTheScopeAndPutsBackWhatWasThere() throws Exception {
        ContextSnapshotFactory factory = ContextSnapshotFactory.builder().build();
        ExecutorService pool = ContextExecutorService.wrap(Executors.newSingleThreadExecutor(), factory::captureAll);
        try {
            assertEquals(ACME, Tenants.call(ACME, () -> pool.submit(Tenants::current)).get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.submit(Tenants::current).get(10, TimeUnit.SECONDS));
            assertInstanceOf(MissingTenantException.class, e.getCause(), "no scope carried: fails closed");
        } finally {
            pool.shutdownNow();
        }
        // A snapshot taken in acme, opened inside another tenant's scope, is acme's; the other comes back after.
        ContextSnapshot acme = Tenants.call(ACME, factory::captureAll);
        TenantId globex = TenantId.of("globex");
        Tenants.run(globex, () -> {
            ContextSnapshot.Scope scope = acme.setThreadLocals();
            try {
                assertEquals(ACME, Tenants.current());
            } finally {
                scope.close();
            }
            assertEquals(globex, Tenants.current());
        });
        assertThat(Tenants.currentIfPresent()).isEmpty();
    }
}

package io.dataflux.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the named real servers (once per test JVM, shared by all test classes) before the class's tests run.
 * Reach them through {@link TestServers}, e.g. {@code TestServers.camelProperties(REDIS)} for Camel overrides.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RealServersExtension.class)
public @interface RealServers {

    ServerKind[] value();
}

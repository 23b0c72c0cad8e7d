package dev.meridian.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Points a Spring test's application context at real servers from the testkit:
 *
 * <pre>{@code
 * @SpringBootTest
 * @RealInfrastructure({Server.POSTGRES, Server.KAFKA})
 * class SignUpIT { ... }
 * }</pre>
 *
 * Each server is started once per JVM and shared. PostgreSQL gives every context a new database named
 * after {@code spring.application.name}, so tests never see another context's rows.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(RealInfrastructureContextCustomizerFactory.class)
public @interface RealInfrastructure {

    /** The servers the application under test talks to. */
    Server[] value();
}

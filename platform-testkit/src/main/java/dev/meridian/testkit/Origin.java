package dev.meridian.testkit;

/** Where a server came from, in the order the testkit tries them. */
public enum Origin {
    /** An endpoint named by a {@code MERIDIAN_*} variable: a server somebody else runs. */
    CONFIGURED,
    /** A Testcontainers container, when a Docker engine answers. */
    CONTAINER,
    /** A real server binary started by this JVM, when there is no Docker engine. */
    EMBEDDED
}

package dev.meridian.events;

/**
 * Where user events travel and how they are labelled, shared by the publisher (user-service) and every
 * consumer. Events are keyed by user id so that one user's events stay in order on one partition.
 */
public final class UserEvents {

    /** The Kafka topic carrying every user event, keyed by user id. */
    public static final String TOPIC = "user-events";

    /** The CloudEvents {@code source} attribute of events published by user-service. */
    public static final String SOURCE = "/meridian/user-service";

    /** Prefix of every CloudEvents {@code type} Meridian publishes, e.g. {@code dev.meridian.user.created.v1}. */
    public static final String TYPE_PREFIX = "dev.meridian.user.";

    private UserEvents() {}

    /** The CloudEvents {@code type} of a user event, as {@code dev.meridian.user.<name>.v<version>}. */
    public static String type(String name, int version) {
        return TYPE_PREFIX + name + ".v" + version;
    }
}

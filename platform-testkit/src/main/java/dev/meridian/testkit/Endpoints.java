package dev.meridian.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Small network helpers shared by the servers: parsing configured URLs, probing them, free ports. */
final class Endpoints {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private Endpoints() {}

    /** A server's address, as read from a {@code scheme://host:port} setting. */
    record HostPort(String host, int port) {}

    /** Parses {@code scheme://host[:port]} from a setting, naming the setting when it is malformed. */
    static HostPort parse(String variable, String value, String scheme, int defaultPort) {
        try {
            URI uri = new URI(value);
            if (scheme.equals(uri.getScheme()) && uri.getHost() != null) {
                return new HostPort(uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort());
            }
        } catch (URISyntaxException e) {
            // reported below, with the setting's name
        }
        throw new InfrastructureUnavailableException(
                variable + "=" + value + " is malformed: expected " + scheme + "://host:port");
    }

    /** Connects and reads the server's first reply line (or answer to {@code probe}), failing with a clear message. */
    static String firstLine(String what, String host, int port, byte[] probe) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
            if (probe.length > 0) {
                socket.getOutputStream().write(probe);
                socket.getOutputStream().flush();
            }
            return readLine(socket.getInputStream());
        } catch (IOException e) {
            throw new InfrastructureUnavailableException(what + " at " + host + ":" + port + " is not reachable", e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InfrastructureUnavailableException("No free local port", e);
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

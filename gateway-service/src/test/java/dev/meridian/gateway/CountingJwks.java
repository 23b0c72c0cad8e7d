package dev.meridian.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/** The JWKS of a {@link TokenIssuer}, served over real HTTP by a server that counts how often it is fetched. */
final class CountingJwks implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong fetches = new AtomicLong();

    private CountingJwks(byte[] jwks) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth2/jwks", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            // One request per connection, as the TokenIssuer's own server does (see there).
            exchange.getResponseHeaders().add("Connection", "close");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
    }

    static CountingJwks serving(TokenIssuer issuer) {
        try (var in = URI.create(issuer.jwkSetUri()).toURL().openStream()) {
            return new CountingJwks(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/jwks";
    }

    long fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.meridian.gateway.problem;

import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;

/**
 * Every error the gateway itself answers is a problem response: no route (404), a body over the size limit (413),
 * a backend timing out (504) or unreachable (503). Anything unexpected is a 500 without internals, logged here. A
 * client that disconnected before its answer was written gets nothing, and is not logged here as an error.
 */
@Component
@Order(-2) // ahead of Spring Boot's default handler, which answers in its own JSON shape
class GatewayErrors implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrors.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (DisconnectedClientHelper.isClientDisconnectedException(error)) {
            // The client went away while its answer was being written (a closed keep-alive connection, a load
            // generator stopping): nobody to answer, and not the gateway's failure. Passed on, as Spring Boot's own
            // handler does, to Spring's web handler, which logs it under its DisconnectedClient category.
            return Mono.error(error);
        }
        HttpStatusCode status = statusOf(error);
        String detail;
        if (error instanceof ResponseStatusException known && known.getReason() != null) {
            detail = known.getReason();
            exchange.getResponse().getHeaders().addAll(known.getHeaders());
        } else if (status.value() == 404) {
            detail = "No such resource";
        } else if (status.is5xxServerError()) {
            detail = "The service could not answer";
        } else {
            HttpStatus known = HttpStatus.resolve(status.value());
            detail = known == null ? "The request failed" : known.getReasonPhrase();
        }
        if (status.value() == 500) {
            log.error(
                    "Request {} {} failed",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    error);
        }
        return ProblemResponses.write(exchange, status, detail);
    }

    private static HttpStatusCode statusOf(Throwable error) {
        if (error instanceof ResponseStatusException known) {
            return known.getStatusCode();
        }
        if (error instanceof TimeoutException) {
            return HttpStatus.GATEWAY_TIMEOUT;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }
}

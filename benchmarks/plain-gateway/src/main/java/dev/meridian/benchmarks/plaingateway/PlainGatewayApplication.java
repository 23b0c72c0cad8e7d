package dev.meridian.benchmarks.plaingateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Cloud Gateway with one route, every path to {@code plain-gateway.target}, and nothing else. */
@SpringBootApplication
public class PlainGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(PlainGatewayApplication.class, args);
    }
}

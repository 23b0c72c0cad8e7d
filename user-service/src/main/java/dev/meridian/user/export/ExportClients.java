package dev.meridian.user.export;

import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.context.annotation.Configuration;

/**
 * The export's Feign clients (this package): the services found through discovery by name, their timeouts in
 * application.yml ({@code spring.cloud.openfeign.client.config.<contextId>}).
 */
@Configuration(proxyBeanMethods = false)
@EnableFeignClients
class ExportClients {}

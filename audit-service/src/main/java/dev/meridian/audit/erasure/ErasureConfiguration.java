package dev.meridian.audit.erasure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class ErasureConfiguration {

    @Bean
    DataKeys dataKeys(JdbcClient jdbc, DataKeySettings settings) {
        DataKeys keys = new DataKeys(jdbc, new Aead(settings.masterKeyBytes()));
        // A wrong master key stops the service at start-up rather than failing every read later.
        keys.checkMasterKey();
        return keys;
    }
}

package dev.meridian.gateway.problem;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * What the gateway's connections do below Spring: requests the HTTP decoder refuses become problems
 * ({@link HttpDecodingFailures}), and a connection closed while the client is still sending its body lingers
 * ({@link LingeringClose}).
 */
@Component
@EnableConfigurationProperties(EdgeConnections.LingeringSettings.class)
class EdgeConnections implements NettyServerCustomizer {

    /** How much of an unread request body is read and dropped before closing, and for how long at most. */
    @ConfigurationProperties("meridian.gateway.lingering-close")
    record LingeringSettings(
            @DefaultValue("8MB") DataSize maxBytes,
            @DefaultValue("10s") Duration maxTime) {}

    private final LingeringSettings lingering;

    EdgeConnections(LingeringSettings lingering) {
        this.lingering = lingering;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            var pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                return;
            }
            pipeline.addAfter(NettyPipeline.HttpCodec, HttpDecodingFailures.NAME, new HttpDecodingFailures())
                    .addAfter(
                            HttpDecodingFailures.NAME,
                            LingeringClose.NAME,
                            new LingeringClose(
                                    lingering.maxBytes().toBytes(),
                                    lingering.maxTime().toNanos()));
        });
    }
}

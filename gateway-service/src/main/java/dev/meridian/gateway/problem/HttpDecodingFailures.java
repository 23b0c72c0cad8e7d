package dev.meridian.gateway.problem;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Requests Netty's HTTP decoder could not read — a request line over {@code server.netty.max-initial-line-length}
 * (414), headers over {@code server.max-http-request-header-size} (431), anything else malformed (400) — answered as
 * problems. They never reach Spring: Reactor Netty answers them itself, from its {@code HttpTrafficHandler}, with an
 * empty body ({@code HttpServerOperations.sendDecodingFailures}); this handler sits between the decoder and that one
 * and answers first, the same way (status, {@code Connection: close}), with a problem body that names no limit value
 * and echoes nothing of the request.
 */
final class HttpDecodingFailures extends ChannelInboundHandlerAdapter {

    static final String NAME = "meridian.httpDecodingFailures";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request) || request.decoderResult().isSuccess()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Throwable cause = request.decoderResult().cause();
        ReferenceCountUtil.release(msg);
        HttpStatus status;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpStatus.URI_TOO_LONG;
            detail = "The request line (method, path and query) is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            detail = "The request headers are too large";
        } else {
            status = HttpStatus.BAD_REQUEST;
            detail = "The request is not valid HTTP";
        }
        byte[] body = ProblemResponses.json(ProblemDetail.forStatusAndDetail(status, detail));
        var response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status.value()), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // The decoder now drops the rest of what the client sends on this connection: nothing more to answer.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}

package dev.meridian.gateway.problem;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * nginx's lingering close: when the server closes a connection while the client is still sending the request body
 * (a 413 answered from the headers, a chunked body cut off at the limit), the unread bytes make the client's TCP
 * stack answer the close with a reset, and a client that sends its whole body before reading (Node's {@code fetch},
 * many HTTP libraries) sees {@code ECONNRESET} instead of the answer already sent. So the close is held back: the rest
 * of the body is read and dropped until it ends, up to {@code maxBytes} or {@code maxTimeNanos}, then the connection
 * is closed. One per connection, between Netty's HTTP codec and Reactor Netty's handlers (on the event loop: no
 * locking).
 */
final class LingeringClose extends ChannelDuplexHandler {

    static final String NAME = "meridian.lingeringClose";

    private final long maxBytes;
    private final long maxTimeNanos;
    private boolean requestOpen;
    private ChannelPromise closing;
    private long dropped;
    private ScheduledFuture<?> deadline;

    LingeringClose(long maxBytes, long maxTimeNanos) {
        this.maxBytes = maxBytes;
        this.maxTimeNanos = maxTimeNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing != null) {
            if (msg instanceof HttpContent content) {
                dropped += content.content().readableBytes();
            }
            boolean ended = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (ended || dropped > maxBytes) {
                closeNow(ctx);
            }
            return;
        }
        if (msg instanceof HttpRequest) {
            requestOpen = !(msg instanceof LastHttpContent);
        } else if (msg instanceof LastHttpContent) {
            requestOpen = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closing != null) {
            closing.addListener(done -> promise.trySuccess());
            return;
        }
        if (!requestOpen || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        closing = promise;
        deadline = ctx.executor().schedule(() -> closeNow(ctx), maxTimeNanos, TimeUnit.NANOSECONDS);
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (closing != null) {
            closeNow(ctx);
        }
        super.channelInactive(ctx);
    }

    private void closeNow(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (closing != null && !closing.isDone()) {
            ctx.close(closing);
        }
    }
}

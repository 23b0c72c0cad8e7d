package dev.meridian.user.persistence;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Logs every statement slower than the threshold. It runs on the request's thread, inside its span, so the log line
 * carries the trace id that leads to the whole request in the trace UI. Parameters are not logged: they hold
 * emails and password hashes.
 */
@Component
class SlowQueryLog implements QueryExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(SlowQueryLog.class);

    private final Duration threshold;

    SlowQueryLog(JdbcSettings settings) {
        this.threshold = settings.slowQueryThreshold();
    }

    @Override
    public void beforeQuery(ExecutionInfo execution, List<QueryInfo> queries) {}

    @Override
    public void afterQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        if (execution.getElapsedTime() >= threshold.toMillis()) {
            log.warn(
                    "Slow query: {} ms (threshold {} ms): {}",
                    execution.getElapsedTime(),
                    threshold.toMillis(),
                    queries.stream().map(QueryInfo::getQuery).collect(Collectors.joining("; ")));
        }
    }

    @ConfigurationProperties("meridian.jdbc")
    record JdbcSettings(@DefaultValue("200ms") Duration slowQueryThreshold) {}
}

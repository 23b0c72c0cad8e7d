package dev.meridian.system.faults;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run as an operator would rather look at it than read it: throughput, p99 latency, failed requests and event lag
 * (an event's time at user-service to its row in the audit log) over the seconds of the load, one panel each on one
 * time axis, with every fault's window — injected until the healed part was back — shaded and named. (A partition's
 * band ends when its rule is removed; the balancers take the instance back within two probe rounds, about 4 s.)
 */
final class FaultChart {

    /** One event as audit-service recorded it: when it happened at user-service, and how long it took to arrive. */
    record Lag(long at, long millis) {}

    private static final int BUCKET_SECONDS = 5;
    private static final Color FAULT = new Color(230, 80, 60, 45);
    private static final Color WARMING = new Color(120, 120, 120, 35);
    private static final Color THROUGHPUT = new Color(40, 90, 180);
    private static final Color LATENCY = new Color(120, 60, 160);
    private static final Color FAILURES = new Color(200, 40, 40);
    private static final Color EVENT_LAG = new Color(30, 140, 60);

    private FaultChart() {}

    static void draw(List<Request> requests, List<Window> phases, List<Lag> lags, long start, Path png)
            throws IOException {
        var combined = new CombinedDomainXYPlot(new NumberAxis("seconds since the load began"));
        combined.setGap(8);
        combined.add(
                panel("requests/s", perSecond(requests, Request::ok, start, "answered as expected"), THROUGHPUT), 3);
        combined.add(panel("p99 ms", p99(requests, start), LATENCY), 3);
        combined.add(panel("failed/s", perSecond(requests, Request::failed, start, "failed"), FAILURES), 2);
        combined.add(panel("event lag p99 ms", lagP99(lags, start), EVENT_LAG), 2);
        boolean top = true;
        for (Object plot : combined.getSubplots()) {
            shade((XYPlot) plot, phases, start, top);
            top = false;
        }
        var chart = new JFreeChart(
                "Meridian under fire: " + requests.size() + " requests through two gateways",
                new Font(Font.SANS_SERIF, Font.BOLD, 16),
                combined,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1600, 1000);
    }

    private static XYPlot panel(String label, XYSeriesCollection data, Color color) {
        var renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, color);
        renderer.setDefaultStroke(new BasicStroke(1.5f));
        renderer.setAutoPopulateSeriesStroke(false);
        var axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        var plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    /**
     * A faint band per fault on every panel, from its injection until the healed part was back; its name on the top
     * one, on one of three heights so that short neighbours stay legible. The warm-up (not judged) is grey.
     */
    private static void shade(XYPlot plot, List<Window> phases, long start, boolean named) {
        int labelled = 0;
        for (Window phase : phases) {
            boolean warming = phase.name().startsWith("warm-up");
            if (phase.injected() == phase.recovered() && !warming) {
                continue; // a steady phase: nothing was broken
            }
            double from = (phase.injected() - start) / 1000.0;
            long until = warming ? phase.end() : phase.recovered();
            double to = Math.max(from + 1, (until - start) / 1000.0);
            var marker = new IntervalMarker(from, to, warming ? WARMING : FAULT);
            if (named) {
                marker.setLabel(phase.name());
                marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                marker.setLabelOffset(new RectangleInsets(2 + 14 * (labelled++ % 3), 2, 2, 2));
            }
            plot.addDomainMarker(marker, Layer.BACKGROUND);
        }
    }

    private static XYSeriesCollection perSecond(
            List<Request> requests, Predicate<Request> counted, long start, String name) {
        Map<Long, Long> counts = requests.stream()
                .filter(counted)
                .collect(Collectors.groupingBy(r -> (r.at() - start) / 1000, TreeMap::new, Collectors.counting()));
        var series = new XYSeries(name);
        long last =
                requests.stream().mapToLong(r -> (r.at() - start) / 1000).max().orElse(0);
        for (long second = 0; second <= last; second++) {
            series.add(second, counts.getOrDefault(second, 0L));
        }
        return new XYSeriesCollection(series);
    }

    private static XYSeriesCollection p99(List<Request> requests, long start) {
        var series = new XYSeries("p99 latency of the requests sent in each " + BUCKET_SECONDS + " s");
        requests.stream()
                .collect(Collectors.groupingBy(
                        r -> bucket(r.at(), start),
                        TreeMap::new,
                        Collectors.mapping(Request::millis, Collectors.toList())))
                .forEach((at, millis) -> series.add(at.doubleValue(), p99(millis)));
        return new XYSeriesCollection(series);
    }

    private static XYSeriesCollection lagP99(List<Lag> lags, long start) {
        var series = new XYSeries("p99 publish → audit row of the events of each " + BUCKET_SECONDS + " s");
        lags.stream()
                .filter(l -> l.at() >= start)
                .collect(Collectors.groupingBy(
                        l -> bucket(l.at(), start), TreeMap::new, Collectors.mapping(Lag::millis, Collectors.toList())))
                .forEach((at, millis) -> series.add(at.doubleValue(), p99(millis)));
        return new XYSeriesCollection(series);
    }

    private static long bucket(long at, long start) {
        return (at - start) / 1000 / BUCKET_SECONDS * BUCKET_SECONDS;
    }

    static long p99(List<Long> millis) {
        if (millis.isEmpty()) {
            return 0;
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    }
}

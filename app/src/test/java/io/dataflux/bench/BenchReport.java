package io.dataflux.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes what a run measured: results.csv, timeline.csv, throughput.png and REPORT.md, and prints the table. */
final class BenchReport {

    private BenchReport() {
    }

    static String table(List<Measurement> measurements, Measurement dataflux, Measurement combined, Measurement naive) {
        StringBuilder table = new StringBuilder();
        table.append("| contender | records | seconds | records/s | MB/s | DataFlux / this |\n");
        table.append("|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.2f | %s |%n", m.name(), m.records(),
                    m.seconds(), m.recordsPerSecond(), m.megabytesPerSecond(),
                    m == dataflux ? "" : String.format(Locale.ROOT, "%.2f", dataflux.recordsPerSecond() / m.recordsPerSecond())));
        }
        return table.toString();
    }

    /** The processes whose CPU time is measured, in the report's order. */
    static final List<String> PROCESSES = List.of(BenchServers.DATAFLUX, BenchServers.REDIS, BenchServers.MARIADB,
            BenchServers.KAFKA, BenchServers.HDFS, BenchServers.BENCH);

    /** CPU µs per record of each process and in total, beside records/s, for every contender that measured it. */
    static String cpuTable(List<Measurement> measurements) {
        StringBuilder table = new StringBuilder("| contender | records/s |");
        PROCESSES.forEach(process -> table.append(' ').append(process).append(" |"));
        table.append(" total CPU-µs / record |\n|---|---:|");
        PROCESSES.forEach(process -> table.append("---:|"));
        table.append("---:|\n");
        for (Measurement m : measurements) {
            if (m.cpuSeconds().isEmpty()) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "| %s | %,.0f |", m.name(), m.recordsPerSecond()));
            for (String process : PROCESSES) {
                double micros = m.cpuMicrosPerRecord(process);
                table.append(Double.isNaN(micros) ? " – |" : String.format(Locale.ROOT, " %,.1f |", micros));
            }
            table.append(String.format(Locale.ROOT, " **%,.1f** |%n", m.totalCpuMicrosPerRecord()));
        }
        return table.toString();
    }

    static void writeCsv(Path file, List<Measurement> measurements) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("kind,name,records,bytes,seconds,records_per_s,mb_per_s");
        PROCESSES.forEach(process -> header.append(",cpu_us_per_record_").append(process.replace(' ', '_').replace('-', '_')));
        header.append(",cpu_us_per_record_total,note");
        lines.add(header.toString());
        for (Measurement m : measurements) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s,\"%s\",%d,%d,%.3f,%.1f,%.3f", m.kind(),
                    m.name(), m.records(), m.bytes(), m.seconds(), m.recordsPerSecond(), m.megabytesPerSecond()));
            for (String process : PROCESSES) {
                double micros = m.cpuMicrosPerRecord(process);
                line.append(',').append(Double.isNaN(micros) ? "" : String.format(Locale.ROOT, "%.1f", micros));
            }
            line.append(',').append(m.cpuSeconds().isEmpty() ? ""
                    : String.format(Locale.ROOT, "%.1f", m.totalCpuMicrosPerRecord()));
            line.append(",\"").append(m.note().replace("\"", "'")).append('"');
            lines.add(line.toString());
        }
        Files.write(file, lines);
    }

    static void writeTimeline(Path file, List<DataFluxRun.Sample> timeline) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("seconds,acknowledged,records_per_s");
        DataFluxRun.Sample previous = new DataFluxRun.Sample(0, 0);
        for (DataFluxRun.Sample sample : timeline) {
            lines.add(String.format(Locale.ROOT, "%.2f,%d,%.0f", sample.seconds(), sample.acknowledged(), rate(previous, sample)));
            previous = sample;
        }
        Files.write(file, lines);
    }

    private static double rate(DataFluxRun.Sample previous, DataFluxRun.Sample sample) {
        double interval = sample.seconds() - previous.seconds();
        return interval <= 0 ? 0 : (sample.acknowledged() - previous.acknowledged()) / interval;
    }

    /** Two charts in one picture: each contender's throughput, and DataFlux's over the run. */
    static void writeChart(Path file, List<Measurement> measurements, List<DataFluxRun.Sample> timeline) throws IOException {
        CategoryChart bars = new CategoryChartBuilder().width(1000).height(520)
                .title("Throughput (records/s, log scale)").yAxisTitle("records/s").build();
        bars.getStyler().setLegendVisible(false);
        bars.getStyler().setYAxisLogarithmic(true);
        bars.getStyler().setYAxisMin(1.0);
        bars.getStyler().setXAxisLabelRotation(20);
        bars.getStyler().setLabelsVisible(true);
        bars.getStyler().setDecimalPattern("#,##0");
        bars.getStyler().setChartBackgroundColor(Color.WHITE);
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (Measurement m : measurements) {
            names.add(m.name());
            rates.add(m.recordsPerSecond());
        }
        bars.addSeries("records/s", names, rates);

        XYChart line = new XYChartBuilder().width(1000).height(380)
                .title("DataFlux throughput over the run").xAxisTitle("seconds since the first record was written to Redis")
                .yAxisTitle("records acknowledged per second").build();
        line.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        line.getStyler().setMarkerSize(3);
        line.getStyler().setChartBackgroundColor(Color.WHITE);
        List<Double> seconds = new ArrayList<>();
        List<Double> perSecond = new ArrayList<>();
        DataFluxRun.Sample previous = new DataFluxRun.Sample(0, 0);
        for (DataFluxRun.Sample sample : timeline) {
            if (sample.seconds() - previous.seconds() < 0.5) {
                continue; // the last sample, taken at the last acknowledgement, may come right after a regular one
            }
            seconds.add(sample.seconds());
            perSecond.add(rate(previous, sample));
            previous = sample;
        }
        if (seconds.isEmpty()) {
            seconds.add(0.0);
            perSecond.add(0.0);
        }
        line.addSeries("DataFlux", seconds, perSecond);

        BufferedImage top = BitmapEncoder.getBufferedImage(bars);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(line);
        BufferedImage both = new BufferedImage(1000, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = both.createGraphics();
        graphics.drawImage(top, 0, 0, null);
        graphics.drawImage(bottom, 0, top.getHeight(), null);
        graphics.dispose();
        ImageIO.write(both, "png", file.toFile());
    }
}

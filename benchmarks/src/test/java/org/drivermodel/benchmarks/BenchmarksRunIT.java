package org.drivermodel.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CI's check of the benchmark suite: {@code benchmarks/run --quick} on the jar this build just
 * packaged runs every benchmark once, briefly (the full figures are not a CI gate, see
 * RESULTS.md), and each one leaves its JSON result.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BenchmarksRunIT {

    @Test
    void everyBenchmarkRunsInQuickMode() throws IOException, InterruptedException {
        File root = new File(System.getProperty("project.root", ".."));
        Path log = Files.createTempFile("benchmarks-quick", ".log");
        Process p = new ProcessBuilder("bash", "benchmarks/run", "--quick", "--no-build")
                .directory(root).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(14, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(ended, "benchmarks/run --quick did not end within 14 minutes:\n" + output);
        assertEquals(0, p.exitValue(), "benchmarks/run --quick failed:\n" + output);
        Path out = root.toPath().resolve("benchmarks/target/quick");
        for (String benchmark : List.of("GateBenchmark", "RefBenchmark", "BlockQueueBenchmark", "HotplugBenchmark",
                "StopLatencyBenchmark")) {
            String json = Files.readString(out.resolve(switch (benchmark) {
                case "GateBenchmark" -> "gate.json";
                case "RefBenchmark" -> "ref.json";
                case "BlockQueueBenchmark" -> "queue.json";
                case "HotplugBenchmark" -> "hotplug.json";
                default -> "stop.json";
            }));
            assertTrue(json.contains("\"benchmark\" : \"org.drivermodel."), benchmark + " left no result:\n" + json);
            assertTrue(json.contains(benchmark), benchmark + " left no result");
        }
        assertTrue(Files.readString(out.resolve("footprint.txt")).contains("FOOTPRINT side=drivermodel"), output);
        String alloc = Files.readString(out.resolve("alloc.txt"));
        assertTrue(alloc.contains("ALLOC side=drivermodel devices=2000 plug="), output + alloc);
        assertTrue(alloc.contains("ALLOC side=felix-service-registry devices=1000 plug="), output + alloc);
    }
}

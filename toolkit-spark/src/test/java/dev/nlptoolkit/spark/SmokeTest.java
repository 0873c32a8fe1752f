package dev.nlptoolkit.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void starts() throws Exception {
        long t = System.nanoTime();
        try (SparkSession spark = SparkSession.builder().master("local[2]").appName("smoke").getOrCreate()) {
            System.out.println("COUNT " + spark.range(1000).count() + " in " + (System.nanoTime() - t) / 1e9);
        }
    }
}

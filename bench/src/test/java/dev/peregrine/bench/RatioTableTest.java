package dev.peregrine.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatioTableTest {
    @Test
    void mediansIgnoreOutliers() {
        assertEquals(2.0, RatioTable.median(List.of(1.0, 2.0, 100.0)));
        assertEquals(2.5, RatioTable.median(List.of(4.0, 1.0, 2.0, 3.0)));
    }

    @Test
    void ratioIsBaselineOverConfigurationMedians() {
        RatioTable table = new RatioTable("native");
        for (double s : new double[] {1.0, 1.1, 0.9}) {
            table.add("spawn", "native", s);
        }
        for (double s : new double[] {2.0, 2.2, 50.0}) {
            table.add("spawn", "traced", s);
        }
        assertEquals(1.0 / 2.2, table.ratio("spawn", "traced"), 1e-9);
        assertTrue(Double.isNaN(table.ratio("find", "traced")));
        String text = table.render();
        assertTrue(text.contains("spawn"), text);
        assertTrue(text.contains("0.45x"), text);
    }

    @Test
    void rejectsNonPositiveTimes() {
        RatioTable table = new RatioTable("native");
        assertThrows(IllegalArgumentException.class, () -> table.add("w", "native", 0));
    }

    @Test
    void spreadIsTheRangeOverTheMedian() {
        RatioTable table = new RatioTable("native");
        table.add("w", "native", 1.0);
        table.add("w", "native", 1.2);
        table.add("w", "native", 1.1);
        assertEquals(0.2 / 1.1, table.spread("w", "native"), 1e-9);
        assertTrue(table.renderSpread().contains("18%"), table.renderSpread());
        assertTrue(Double.isNaN(table.spread("w", "other")));
    }

    @Test
    void bestRatioComparesTheFastestRuns() {
        RatioTable table = new RatioTable("native");
        table.add("w", "native", 1.0);
        table.add("w", "native", 3.0);
        table.add("w", "traced", 2.0);
        table.add("w", "traced", 2.5);
        assertEquals(0.5, table.bestRatio("w", "traced"), 1e-9);
        assertEquals(2.0 / 2.25, table.ratio("w", "traced"), 1e-9);
        assertTrue(table.renderBest().contains("0.50x"), table.renderBest());
    }
}

//! Windowing for long lists (virtual scrolling): which rows of a list of thousands to render
//! for a scroll position, and where they sit. Rows may differ in height: each starts with an
//! estimate and is corrected once rendered and measured, so the scrollbar stays honest.

/// Heights of every row, with prefix sums for position lookups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowHeights {
    heights: Vec<f64>,
    /// `offsets[i]` is the top of row `i`; `offsets[len]` the total height.
    offsets: Vec<f64>,
}

/// The rows to render and the space around them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Window {
    /// First row to render.
    pub(crate) start: usize,
    /// One past the last row to render.
    pub(crate) end: usize,
    /// Space above the first rendered row, in pixels.
    pub(crate) before: f64,
    /// Space below the last rendered row, in pixels.
    pub(crate) after: f64,
}

impl RowHeights {
    /// Rows with estimated heights (each at least one pixel).
    pub(crate) fn new(estimates: impl IntoIterator<Item = f64>) -> RowHeights {
        let heights: Vec<f64> = estimates
            .into_iter()
            .map(|height| height.max(1.0))
            .collect();
        let mut rows = RowHeights {
            offsets: Vec::with_capacity(heights.len() + 1),
            heights,
        };
        rows.recompute();
        rows
    }

    /// `count` rows of one height.
    pub(crate) fn uniform(count: usize, height: f64) -> RowHeights {
        RowHeights::new(std::iter::repeat_n(height, count))
    }

    fn recompute(&mut self) {
        self.offsets.clear();
        let mut top = 0.0;
        self.offsets.push(top);
        for height in &self.heights {
            top += height;
            self.offsets.push(top);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.heights.len()
    }

    pub(crate) fn total(&self) -> f64 {
        self.offsets.last().copied().unwrap_or(0.0)
    }

    /// The top of row `index` (the total height past the end).
    pub(crate) fn offset_of(&self, index: usize) -> f64 {
        self.offsets[index.min(self.heights.len())]
    }

    /// Record measured heights `(row, pixels)`. True when anything moved by half a pixel or
    /// more (then the window should be computed again).
    pub(crate) fn measure(&mut self, measured: impl IntoIterator<Item = (usize, f64)>) -> bool {
        let mut changed = false;
        for (index, height) in measured {
            if let Some(current) = self.heights.get_mut(index)
                && height >= 1.0
                && (*current - height).abs() >= 0.5
            {
                *current = height;
                changed = true;
            }
        }
        if changed {
            self.recompute();
        }
        changed
    }

    /// The row at `y` pixels from the top (the last row past the end).
    pub(crate) fn row_at(&self, y: f64) -> usize {
        if self.heights.is_empty() {
            return 0;
        }
        // The last offset at or before y.
        let index = self.offsets.partition_point(|top| *top <= y.max(0.0));
        index.saturating_sub(1).min(self.heights.len() - 1)
    }

    /// The rows visible in a viewport of `height` pixels scrolled to `scroll_top`, plus
    /// `overscan` rows either side (so fast scrolling and keyboard focus find rows rendered).
    pub(crate) fn window(&self, scroll_top: f64, height: f64, overscan: usize) -> Window {
        let count = self.heights.len();
        if count == 0 {
            return Window {
                start: 0,
                end: 0,
                before: 0.0,
                after: 0.0,
            };
        }
        let first = self.row_at(scroll_top);
        let last = self.row_at(scroll_top + height.max(0.0));
        let start = first.saturating_sub(overscan);
        let end = (last + 1 + overscan).min(count);
        Window {
            start,
            end,
            before: self.offsets[start],
            after: self.total() - self.offsets[end],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_rows_render_a_screenful() {
        let rows = RowHeights::uniform(1000, 40.0);
        assert_eq!(rows.total(), 40_000.0);
        let window = rows.window(0.0, 400.0, 5);
        assert_eq!((window.start, window.end), (0, 16));
        assert_eq!(window.before, 0.0);
        assert_eq!(window.after, 40_000.0 - 16.0 * 40.0);

        let middle = rows.window(20_010.0, 400.0, 5);
        assert_eq!((middle.start, middle.end), (495, 516));
        assert_eq!(middle.before, 495.0 * 40.0);
        assert_eq!(
            middle.before + (middle.end - middle.start) as f64 * 40.0 + middle.after,
            rows.total(),
            "rendered rows and spacers add up to the full height"
        );

        let bottom = rows.window(39_600.0, 400.0, 5);
        assert_eq!((bottom.start, bottom.end), (985, 1000));
        assert_eq!(bottom.after, 0.0);
    }

    #[test]
    fn scrolling_past_the_end_or_before_the_start_is_clamped() {
        let rows = RowHeights::uniform(10, 10.0);
        let past = rows.window(10_000.0, 50.0, 2);
        assert_eq!((past.start, past.end), (7, 10));
        let before = rows.window(-50.0, 50.0, 0);
        assert_eq!((before.start, before.end), (0, 1));
        let empty = RowHeights::uniform(0, 10.0).window(0.0, 100.0, 3);
        assert_eq!((empty.start, empty.end, empty.after), (0, 0, 0.0));
    }

    #[test]
    fn measured_heights_move_the_rows_below() {
        let mut rows = RowHeights::uniform(100, 20.0);
        assert_eq!(rows.offset_of(10), 200.0);
        assert!(rows.measure([(2, 80.0), (3, 20.2)]));
        assert_eq!(rows.offset_of(10), 260.0, "only the real change counts");
        assert!(
            !rows.measure([(2, 80.3), (500, 10.0), (4, 0.0)]),
            "noise, unknown rows and zero heights are ignored"
        );
        assert_eq!(rows.row_at(40.0), 2, "row 2 now spans 40..120");
        assert_eq!(rows.row_at(119.9), 2);
        assert_eq!(rows.row_at(120.0), 3);
        assert_eq!(rows.offset_of(1000), rows.total());
    }

    #[test]
    fn variable_rows_find_their_window_by_position() {
        // Turns of a transcript: short and long ones.
        let rows = RowHeights::new((0..300).map(|i| if i % 3 == 0 { 120.0 } else { 30.0 }));
        let scroll = rows.offset_of(150);
        let window = rows.window(scroll, 600.0, 0);
        assert_eq!(window.start, 150);
        let visible: f64 = (window.start..window.end)
            .map(|i| rows.offset_of(i + 1) - rows.offset_of(i))
            .sum();
        assert!(visible >= 600.0, "the window covers the viewport");
        assert!(
            visible - (rows.offset_of(window.end) - rows.offset_of(window.end - 1)) < 600.0,
            "and not more than one row beyond it"
        );
    }
}

/** A uPlot time-series chart (canvas: thousands of points draw in milliseconds). Times on the axis are local. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
}

const COLORS = ['#2f7de1', '#e07b24', '#3aa655', '#b04bd1'];

/**
 * `xRange` (epoch seconds) fixes the time axis to a window, e.g. the range a report was asked for; without it
 * the axis spans the data. Points are drawn where they are sparse enough to see (uPlot's rule), so that one
 * bucket alone still shows.
 */
export function TimeChart({ times, series, height = 260, label, xRange }: { times: number[]; series: Series[]; height?: number; label: string; xRange?: [number, number] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const started = performance.now();
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5 }))],
        ...(xRange ? { scales: { x: { time: true, range: xRange } } } : {}),
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    // Read by the browser tests: from building the chart to the next frame, when it has been drawn.
    const frame = requestAnimationFrame(() => {
      el.dataset.renderMs = (performance.now() - started).toFixed(1);
      el.dataset.points = String(times.length);
    });
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, height, xRange]);
  return <div className="chart" ref={ref} role="img" aria-label={label} />;
}

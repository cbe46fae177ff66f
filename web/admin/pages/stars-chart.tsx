/**
 * A bar chart drawn as SVG by chartist, which is loaded (with its CSS) only when a chart is first shown:
 * the library stays out of the admin app's first download and out of every phone page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../t';

export interface BarSeries {
  name: string;
  values: number[];
}

let library: Promise<typeof import('chartist')> | undefined;
function loadChartist() {
  library ??= Promise.all([import('chartist'), import('chartist/dist/index.css')]).then(([lib]) => withoutStyleAttributes(lib));
  return library;
}

/**
 * chartist writes a few inline styles (the SVG's size, labels' overflow) as style attributes, which the
 * pages' CSP (style-src 'self', no 'unsafe-inline') refuses. The same text set through the CSSOM is
 * allowed, so every Svg wrapper's `style` attribute goes there instead: the chart looks the same.
 */
function withoutStyleAttributes(lib: typeof import('chartist')): typeof import('chartist') {
  type Attr = (this: InstanceType<typeof lib.Svg>, attributes: unknown, ns?: string) => unknown;
  const proto = lib.Svg.prototype as unknown as { attr: Attr; cspSafe?: true };
  if (proto.cspSafe) return lib;
  const attr = proto.attr;
  proto.attr = function (attributes, ns) {
    if (attributes && typeof attributes === 'object' && typeof (attributes as { style?: unknown }).style === 'string') {
      const { style, ...rest } = attributes as { style: string };
      (this.getNode() as SVGElement).style.cssText = style;
      return attr.call(this, rest, ns);
    }
    return attr.call(this, attributes, ns);
  };
  proto.cspSafe = true;
  return lib;
}

/**
 * Grouped bars, one group per label and one bar per series (series colours: a red, b sand, c grey), with
 * each value written on its bar. The numbers are also given as a table for screen readers.
 */
export function BarChart(props: { title: string; labels: string[]; series: BarSeries[]; horizontal?: boolean; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<unknown>();
  const key = JSON.stringify([props.labels, props.series, props.horizontal]);

  useEffect(() => {
    let chart: { detach(): unknown } | undefined;
    let gone = false;
    loadChartist().then(
      ({ BarChart: Chart }) => {
        if (gone || !box.current) return;
        const groups = props.labels.length;
        const bars = Math.max(1, props.series.length);
        const horizontal = !!props.horizontal;
        // horizontal bars stack their groups from the bottom: the first label goes last to be read first. Not
        // chartist's reverseData, which reverses the series too and so paints each in the other's colour
        const inOrder = <T,>(list: T[]) => (horizontal ? [...list].reverse() : list);
        const c = new Chart(
          box.current,
          { labels: inOrder(props.labels), series: props.series.map((s) => inOrder(s.values)) },
          {
            height: props.height ?? (horizontal ? Math.max(120, groups * bars * 26 + 50) : 220),
            horizontalBars: horizontal,
            // wider than a bar (14–20 px) and its value label: neighbouring bars and their numbers never touch
            seriesBarDistance: horizontal ? 22 : 26,
            chartPadding: { top: 18, right: 24, bottom: 4, left: 4 },
            axisX: horizontal ? { onlyInteger: true, showGrid: true } : { showGrid: false },
            axisY: horizontal ? { showGrid: false, offset: 96 } : { onlyInteger: true, offset: 32 },
            low: 0,
          },
        );
        c.on('draw', (event) => {
          if (event.type !== 'bar') return;
          const raw = event.value as unknown;
          const multi = raw && typeof raw === 'object' ? (raw as { x?: number; y?: number }) : undefined;
          const value = Number(multi ? (horizontal ? multi.x : multi.y) : raw);
          if (!value) return;
          const x = horizontal ? event.x2 + 6 : event.x1;
          const y = horizontal ? event.y1 + 5 : event.y2 - 6;
          event.group.elem('text', { x, y, 'text-anchor': horizontal ? 'start' : 'middle' }, 'ct-bar-value').text(String(value));
        });
        chart = c;
        setReady(true);
      },
      (error) => setFailed(error),
    );
    return () => {
      gone = true;
      chart?.detach();
    };
  }, [key]);

  return (
    <figure class="chart">
      <figcaption class="chart-legend">
        {props.series.length > 1 &&
          props.series.map((s, i) => (
            <span key={s.name} class={`legend legend-${'abc'[i] ?? 'c'}`}>
              {s.name}
            </span>
          ))}
      </figcaption>
      {failed ? <p class="error">{String((failed as Error)?.message ?? failed)}</p> : null}
      {!ready && !failed && <p class="loading">{t('stars.dash.chart_loading')}</p>}
      <div ref={box} class={`chart-box${props.horizontal ? ' horizontal' : ''}`} aria-hidden="true" />
      <table class="sr-only">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <td />
            {props.series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {props.series.map((s) => (
                <td key={s.name}>{s.values[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

/**
 * One ECharts chart on a canvas (no inline style or script: ECharts sizes its elements through
 * the CSSOM, which the CSP allows). The figure has a text description for screen readers, and
 * decal patterns repeat what the colours say.
 */
export function Chart({ option, description, className }: { option: echarts.EChartsCoreOption; description: string; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.setOption({ aria: { enabled: true, decal: { show: true } }, animation: false, ...option });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  }, [option]);
  return (
    <figure className={className ?? 'chart'}>
      <div ref={ref} className="chart-canvas" role="img" aria-label={description} />
      <figcaption className="sr-only">{description}</figcaption>
    </figure>
  );
}

/** Widget -> rendered widget: compiles and draws the static SVG once, gives it its id. */
import { newChartId, type RenderedWidget, type Widget } from './bundle';
import { specToSVG } from './svg';

export async function renderWidget(widget: Widget): Promise<RenderedWidget> {
  const chart = await specToSVG(widget.spec);
  return { ...widget, ...chart, id: newChartId() };
}

/** Widget -> rendered widget: compiles and draws the static SVG once, gives it its id. */
import { newChartId, type RenderedWidget, type Widget } from './bundle';
import { specToSVG } from './svg';

export function renderWidget(widget: Widget): RenderedWidget {
  return { ...widget, ...specToSVG(widget.spec), id: newChartId() };
}

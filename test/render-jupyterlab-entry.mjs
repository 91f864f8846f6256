/*
 * Browser entry of the JupyterLab test page (bundled by esbuild in
 * test/render-jupyterlab.ts, never shipped): JupyterLab 4's own output area,
 * rendermime registry (standard renderers + the Vega 5 extension at its rank
 * in JupyterLab, 57) and sanitizer, rendering a notebook's outputs as
 * JupyterLab does, trusted or not.
 */
import '@jupyterlab/outputarea/style/index.js';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Sanitizer } from '@jupyterlab/apputils';
import { rendererFactory as vegaFactory } from '@jupyterlab/vega5-extension';
import { Widget } from '@lumino/widgets';

window.tfdRenderNotebook = async function (cells, trusted) {
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, sanitizer: new Sanitizer() });
  rendermime.addFactory(vegaFactory, 57);
  const root = document.getElementById('notebook');
  const areas = [];
  for (const outputs of cells) {
    const model = new OutputAreaModel({ trusted });
    const area = new OutputArea({ model, rendermime });
    area.addClass('jp-Cell-outputArea');
    Widget.attach(area, root);
    model.fromJSON(outputs);
    areas.push(area);
  }
  // Renderers are asynchronous (vega-embed above all): let them settle.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { mimeTypes: areas.flatMap((area) => area.widgets.map((w) => (w.node.querySelector('[data-mime-type]') || {}).dataset?.mimeType ?? null)) };
};

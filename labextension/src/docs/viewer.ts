import { MainAreaWidget } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Panel } from '@lumino/widgets';

import { Docs } from '../api';
import { polarIcon } from '../icons';

/** A documentation page rendered with JupyterLab's own markdown renderer (theme-aware). */
export async function createDocWidget(
  page: Docs.IPage,
  rendermime: IRenderMimeRegistry
): Promise<MainAreaWidget<Panel>> {
  const content = new Panel();
  content.addClass('jp-polartep-doc');
  const renderer = rendermime.createRenderer('text/markdown');
  content.addWidget(renderer);
  await renderer.renderModel(
    rendermime.createModel({ data: { 'text/markdown': page.markdown }, trusted: false })
  );
  const widget = new MainAreaWidget({ content });
  widget.id = `polartep-doc-${page.slug}`;
  widget.title.label = page.title;
  widget.title.icon = polarIcon;
  widget.title.closable = true;
  return widget;
}

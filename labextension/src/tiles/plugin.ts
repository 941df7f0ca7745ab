import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';

import { polarIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { TilesClient } from './client';
import { IPreviewRequest, TilePreview } from './panel';

const PLUGIN_ID = 'polartep-lab:tiles';

export namespace TilesCommandIDs {
  /**
   * Open the tile preview; args `{url}` (a COG), `{collection, item}` (a workspace STAC item),
   * `{collection}` or `{search}` (every date of a collection / workspace search, with a time slider).
   */
  export const preview = 'polartep:tiles-preview';
  export const open = CommandIDs.openFeature('tiles');
}

/** The map tile preview: rasters and STAC items in polar projections, opened by other panels too. */
export const tilesPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Map tile preview of workspace rasters and STAC items in polar projections.',
  autoStart: true,
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (app: JupyterFrontEnd, restorer: ILayoutRestorer | null, palette: ICommandPalette | null) => {
    const client = new TilesClient();
    const tracker = new WidgetTracker<MainAreaWidget<TilePreview>>({ namespace: 'polartep-tiles' });
    let counter = 0;

    app.commands.addCommand(TilesCommandIDs.preview, {
      label: args =>
        args.url || args.item || args.collection || args.search ? 'Preview on Map' : 'Polar TEP: Open Tile Preview',
      caption: 'Show a raster or STAC item on the polar map',
      icon: polarIcon,
      execute: args => {
        const request: IPreviewRequest = {
          url: (args.url as string) || undefined,
          collection: (args.collection as string) || undefined,
          item: (args.item as string) || undefined,
          search: (args.search as Record<string, unknown>) || undefined,
          datetime: (args.datetime as string) || undefined,
          projection: (args.projection as IPreviewRequest['projection']) || undefined,
          rescale: (args.rescale as string) || undefined,
          colormap_name: (args.colormap_name as string) || undefined
        };
        const content = new TilePreview(client, request);
        const widget = new MainAreaWidget({ content });
        widget.id = `polartep-tiles-${Date.now()}-${counter++}`;
        widget.title.label = request.url
          ? `Map: ${request.url.split('/').pop()}`
          : request.item
            ? `Map: ${request.item}`
            : request.collection
              ? `Map: ${request.collection}`
              : request.search
                ? 'Map: search'
                : 'Tile preview';
        widget.title.icon = polarIcon;
        widget.title.closable = true;
        app.shell.add(widget, 'main');
        void tracker.add(widget);
        app.shell.activateById(widget.id);
        return widget;
      }
    });
    app.commands.addCommand(TilesCommandIDs.open, {
      label: 'Polar TEP: Open Tile Preview',
      icon: polarIcon,
      execute: () => app.commands.execute(TilesCommandIDs.preview, {})
    });
    palette?.addItem({ command: TilesCommandIDs.open, category: 'Polar TEP' });

    if (restorer) {
      void restorer.restore(tracker, {
        command: TilesCommandIDs.preview,
        args: widget => ({ ...widget.content.request }) as any,
        name: widget => widget.id
      });
    }
  }
};

import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { DocsClient } from '../api';
import { CommandIDs } from '../tokens';
import { notifyError } from '../notify';
import { createDocWidget } from './viewer';

/** Opens pages of the Polar TEP user guide inside JupyterLab (also from the Help menu). */
export const docsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:docs',
  description: 'Shows the Polar TEP user guide inside JupyterLab.',
  autoStart: true,
  requires: [ILabShell, IRenderMimeRegistry],
  optional: [ICommandPalette, IMainMenu],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    mainMenu: IMainMenu | null
  ) => {
    const client = new DocsClient();
    app.commands.addCommand(CommandIDs.openDocs, {
      label: args => (args.slug ? `Polar TEP docs: ${String(args.slug)}` : 'Polar TEP Documentation'),
      execute: async args => {
        const slug = String(args.slug ?? 'index');
        const id = `polartep-doc-${slug}`;
        for (const widget of shell.widgets('main')) {
          if (widget.id === id) {
            shell.activateById(id);
            return widget;
          }
        }
        try {
          const widget = await createDocWidget(await client.page(slug), rendermime);
          shell.add(widget, 'main');
          shell.activateById(widget.id);
          return widget;
        } catch (error) {
          notifyError(`Cannot open documentation page ${slug}: ${(error as Error).message}`);
          return undefined;
        }
      }
    });
    palette?.addItem({ command: CommandIDs.openDocs, category: 'Polar TEP' });
    mainMenu?.helpMenu.addGroup([{ command: CommandIDs.openDocs }], 30);
  }
};

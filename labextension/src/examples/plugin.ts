import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';

import { ExamplesClient } from '../api';
import { CommandIDs } from '../tokens';
import { notifyError } from '../notify';

/** "Open example": copy a bundled example into the workspace (never overwriting) and open it. */
export const examplesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:examples',
  description: 'Copies Polar TEP example notebooks into the workspace and opens them.',
  autoStart: true,
  requires: [IDocumentManager],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, docManager: IDocumentManager, palette: ICommandPalette | null) => {
    const client = new ExamplesClient();
    app.commands.addCommand(CommandIDs.openExample, {
      label: args => (args.name ? `Open Example ${String(args.name)}` : 'Polar TEP: Open Getting Started Example'),
      execute: async args => {
        const name = String(args.name ?? 'getting-started');
        try {
          const path = await client.copy(name);
          Notification.success(`Example copied to ${path}`, { autoClose: 4000 });
          return docManager.openOrReveal(path);
        } catch (error) {
          notifyError(`Cannot open example ${name}: ${(error as Error).message}`);
          return undefined;
        }
      }
    });
    palette?.addItem({ command: CommandIDs.openExample, category: 'Polar TEP' });
  }
};

import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { addIcon, LabIcon, ToolbarButton } from '@jupyterlab/ui-components';

import { addSidePanel } from '../common/sidepanel';
import { CommandIDs } from '../tokens';
import { SecretsModel } from './model';
import { SecretsBody } from './panel';

const PLUGIN_ID = 'polartep-lab:secrets';
const PANEL_ID = 'polartep-secrets';

const LOCK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 5a3 3 0 0 1 6 0v3H9V7zm3 7a2 2 0 0 1 1 3.7V19h-2v-1.3A2 2 0 0 1 12 14z"/>
  </g>
</svg>`;

export const secretsIcon = new LabIcon({ name: 'polartep-lab:secrets', svgstr: LOCK_SVG });

/** The Secrets side panel, and the notice when a saved notebook had secret values masked. */
export const secretsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Workspace secrets: encrypted, injected into kernels and jobs, masked in saved notebooks.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (app: JupyterFrontEnd, shell: ILabShell, restorer: ILayoutRestorer | null, palette: ICommandPalette | null) => {
    const model = new SecretsModel();
    const body = new SecretsBody(model);
    const { panel, section } = addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: PANEL_ID,
      label: 'Secrets',
      icon: secretsIcon,
      rank: 160,
      model,
      body,
      refreshTooltip: 'Refresh secrets',
      openCommand: CommandIDs.openFeature('secrets'),
      openLabel: 'Polar TEP: Show Secrets'
    });
    section.toolbar.insertItem(
      0,
      'new',
      new ToolbarButton({ icon: addIcon, tooltip: 'New secret', onClick: () => body.requestCreate() })
    );
    app.commands.addCommand('polartep:new-secret', {
      label: 'Polar TEP: New Secret',
      execute: () => {
        shell.activateById(panel.id);
        body.requestCreate();
      }
    });
    palette?.addItem({ command: 'polartep:new-secret', category: 'Polar TEP' });

    // Tell the user, once per notebook, that secret values in its outputs were saved as ***
    model.masked.connect((_, event) => {
      Notification.warning(
        `Secret values (${event.names.join(', ')}) in the outputs of ${event.path} were saved as ***. ` +
          'The open notebook still shows them until you clear or re-run those cells.',
        { autoClose: false }
      );
    });
    app.serviceManager.contents.fileChanged.connect((_, change: Contents.IChangedArgs) => {
      const path = change.newValue?.path ?? '';
      if (change.type === 'save' && path.endsWith('.ipynb')) {
        void model.refresh().catch(() => undefined);
      }
    });
    void model.refresh().catch(() => undefined);
  }
};

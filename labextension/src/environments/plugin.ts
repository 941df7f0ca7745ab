import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';

import { addSidePanel } from '../common/sidepanel';
import { CommandIDs } from '../tokens';
import { environmentsIcon } from './icon';
import { EnvironmentsModel } from './model';
import { EnvironmentsBody } from './panel';

/** The "Environments" side panel: environments by namespace, builds, logs, rebuild with diff, rollback. */
export const environmentsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:environments',
  description: 'Reproducible environments from an environment.yml, each one a Jupyter kernel.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ) => {
    const model = new EnvironmentsModel(() => app.serviceManager.kernelspecs.refreshSpecs());
    addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: 'polartep-environments',
      label: 'Environments',
      icon: environmentsIcon,
      rank: 420,
      model,
      body: new EnvironmentsBody(model, app.commands),
      refreshTooltip: 'Refresh environments',
      openCommand: CommandIDs.openFeature('environments'),
      openLabel: 'Polar TEP: Show Environments',
      refreshCommand: { id: 'polartep:refresh-environments', label: 'Polar TEP: Refresh Environments' }
    });
  }
};

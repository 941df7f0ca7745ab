import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { addSidePanel } from '../common/sidepanel';
import { polarIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { HomeModel } from './model';
import { HomeBody } from './panel';

const PLUGIN_ID = 'polartep-lab:home';

/** The "Polar TEP" left side panel: live workspace status, features, examples and docs. */
export const homePlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'The Polar TEP home panel: workspace status and the way into every feature.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settings: ISettingRegistry | null
  ) => {
    const model = new HomeModel();
    addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: 'polartep-home',
      label: 'Polar TEP',
      icon: polarIcon,
      rank: 150,
      model,
      body: new HomeBody(model, app.commands),
      refreshTooltip: 'Refresh workspace status',
      openCommand: CommandIDs.openHome,
      openLabel: 'Polar TEP: Show Workspace Panel',
      refreshCommand: { id: CommandIDs.refreshStatus, label: 'Polar TEP: Refresh Workspace Status' }
    });
    void model.refreshNow().catch(() => undefined);

    if (settings) {
      void settings.load(PLUGIN_ID).then(
        loaded => {
          const apply = () => {
            model.refreshSeconds = loaded.get('refreshSeconds').composite as number;
          };
          apply();
          loaded.changed.connect(apply);
        },
        reason => console.warn('Polar TEP: cannot load settings', reason)
      );
    }
  }
};

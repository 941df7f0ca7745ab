import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Message } from '@lumino/messaging';
import { PanelWithToolbar, refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';

import { polarIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { HomeModel } from './model';
import { HomeBody } from './panel';

const PLUGIN_ID = 'polartep-lab:home';

/** The side panel refreshes its model each time it is shown. */
class HomePanel extends SidePanel {
  constructor(readonly model: HomeModel) {
    super();
  }
  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    void this.model.refreshNow().catch(() => undefined);
  }
}

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
    const panel = new HomePanel(model);
    panel.id = 'polartep-home';
    panel.title.icon = polarIcon;
    panel.title.caption = 'Polar TEP';
    panel.addClass('jp-polartep-panel');

    const section = new PanelWithToolbar();
    section.title.label = 'Polar TEP';
    section.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh workspace status',
        onClick: () => void app.commands.execute(CommandIDs.refreshStatus)
      })
    );
    section.addWidget(new HomeBody(model, app.commands));
    panel.addWidget(section);
    shell.add(panel, 'left', { rank: 150 });
    restorer?.add(panel, 'polartep-home');
    void model.refreshNow().catch(() => undefined);

    app.commands.addCommand(CommandIDs.openHome, {
      label: 'Polar TEP: Show Workspace Panel',
      icon: polarIcon,
      execute: () => shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.refreshStatus, {
      label: 'Polar TEP: Refresh Workspace Status',
      execute: () => model.refreshNow()
    });
    palette?.addItem({ command: CommandIDs.openHome, category: 'Polar TEP' });
    palette?.addItem({ command: CommandIDs.refreshStatus, category: 'Polar TEP' });

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

import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PanelWithToolbar, refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';

import { environmentsIcon } from './icon';
import { CommandIDs } from '../tokens';
import { EnvironmentsModel } from './model';
import { EnvironmentsBody } from './panel';

const PANEL_ID = 'polartep-environments';

class EnvironmentsPanel extends SidePanel {
  constructor(readonly model: EnvironmentsModel) {
    super();
  }
  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    void this.model.refreshNow().catch(() => undefined);
  }
}

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
    const panel = new EnvironmentsPanel(model);
    panel.id = PANEL_ID;
    panel.title.icon = environmentsIcon;
    panel.title.caption = 'Environments';
    panel.addClass('jp-polartep-panel');

    const section = new PanelWithToolbar();
    section.title.label = 'Environments';
    section.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh environments',
        onClick: () => void model.refreshNow().catch(() => undefined)
      })
    );
    section.addWidget(new EnvironmentsBody(model, app.commands));
    panel.addWidget(section);
    shell.add(panel, 'left', { rank: 420 });
    restorer?.add(panel, PANEL_ID);

    const open = CommandIDs.openFeature('environments');
    app.commands.addCommand(open, {
      label: 'Polar TEP: Show Environments',
      icon: environmentsIcon,
      execute: () => shell.activateById(panel.id)
    });
    app.commands.addCommand('polartep:refresh-environments', {
      label: 'Polar TEP: Refresh Environments',
      execute: () => model.refreshNow()
    });
    palette?.addItem({ command: open, category: 'Polar TEP' });
    palette?.addItem({ command: 'polartep:refresh-environments', category: 'Polar TEP' });
  }
};

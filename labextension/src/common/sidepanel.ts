import { ILabShell, ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { LabIcon, PanelWithToolbar, refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

/** Anything a side panel can refresh when it is shown. */
export interface IRefreshable {
  refreshNow(): Promise<void>;
}

/** A left side panel that refreshes its model each time it is shown. */
export class RefreshingSidePanel extends SidePanel {
  constructor(readonly model: IRefreshable) {
    super();
  }
  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    void this.model.refreshNow().catch(() => undefined);
  }
}

export interface ISidePanelOptions {
  app: JupyterFrontEnd;
  shell: ILabShell;
  restorer: ILayoutRestorer | null;
  palette: ICommandPalette | null;
  /** DOM id of the panel (also the layout-restorer key). */
  id: string;
  /** Section label and tooltip of the side-bar icon. */
  label: string;
  icon: LabIcon;
  /** Position in the left side bar. */
  rank: number;
  model: IRefreshable;
  body: Widget;
  /** Tooltip of the toolbar's refresh button. */
  refreshTooltip: string;
  /** The command showing the panel, and its palette label. */
  openCommand: string;
  openLabel: string;
  /** An optional palette command that refreshes the panel. */
  refreshCommand?: { id: string; label: string };
}

/**
 * The side panel every feature uses: a titled section with a refresh button, restored with the
 * layout, an "open" command (the home panel links each feature to it) and palette entries.
 */
export function addSidePanel(options: ISidePanelOptions): { panel: RefreshingSidePanel; section: PanelWithToolbar } {
  const { app, shell, model, palette } = options;
  const panel = new RefreshingSidePanel(model);
  panel.id = options.id;
  panel.title.icon = options.icon;
  panel.title.caption = options.label;
  panel.addClass('jp-polartep-panel');

  const section = new PanelWithToolbar();
  section.title.label = options.label;
  section.toolbar.addItem(
    'refresh',
    new ToolbarButton({
      icon: refreshIcon,
      tooltip: options.refreshTooltip,
      onClick: () => void model.refreshNow().catch(() => undefined)
    })
  );
  section.addWidget(options.body);
  panel.addWidget(section);
  shell.add(panel, 'left', { rank: options.rank });
  options.restorer?.add(panel, options.id);

  app.commands.addCommand(options.openCommand, {
    label: options.openLabel,
    icon: options.icon,
    execute: () => shell.activateById(panel.id)
  });
  palette?.addItem({ command: options.openCommand, category: 'Polar TEP' });
  if (options.refreshCommand) {
    app.commands.addCommand(options.refreshCommand.id, {
      label: options.refreshCommand.label,
      execute: () => model.refreshNow()
    });
    palette?.addItem({ command: options.refreshCommand.id, category: 'Polar TEP' });
  }
  return { panel, section };
}

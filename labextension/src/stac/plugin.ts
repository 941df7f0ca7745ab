import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PanelWithToolbar, refreshIcon, SidePanel, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { polarIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { notifyError } from '../notify';
import { StacBrowserModel } from './model';
import { StacBrowser } from './panel';

const PLUGIN_ID = 'polartep-lab:stac';
const INSERT_CODE = 'polartep:stac-insert-code';

/** The parts of a notebook panel used to insert a cell (kept structural: no notebook dependency). */
interface INotebookLike {
  content: {
    activeCellIndex: number;
    model: { sharedModel: { insertCell(index: number, cell: { cell_type: string; source: string }): unknown } };
  };
}

function asNotebook(widget: Widget | null): INotebookLike | null {
  const candidate = widget as unknown as INotebookLike | null;
  if (candidate && candidate.content && candidate.content.model && 'sharedModel' in candidate.content.model) {
    return candidate;
  }
  return null;
}

class StacPanel extends SidePanel {
  constructor(readonly model: StacBrowserModel) {
    super();
  }
  protected onBeforeShow(msg: Message): void {
    super.onBeforeShow(msg);
    void this.model
      .refreshNow()
      .then(() => this.model.reloadCollectionsIfListing())
      .catch(() => undefined);
  }
}

/** The STAC browser side panel: catalogs, collections, search, results and items. */
export const stacPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'STAC browser: search the workspace catalog and remote catalogs, insert the code.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ) => {
    const model = new StacBrowserModel();
    let lastNotebook: INotebookLike | null = null;
    shell.currentChanged.connect((_, change) => {
      lastNotebook = asNotebook(change.newValue) ?? lastNotebook;
    });

    const insertCode = async (): Promise<void> => {
      const notebook = asNotebook(shell.currentWidget) ?? lastNotebook;
      if (!notebook) {
        notifyError('Open a notebook first: the search code is inserted into the active notebook.');
        return;
      }
      const code = await model.code();
      const index = notebook.content.activeCellIndex + 1;
      notebook.content.model.sharedModel.insertCell(index, { cell_type: 'code', source: code });
      notebook.content.activeCellIndex = index;
      Notification.success('Search code inserted into the notebook.', { autoClose: 3000 });
    };

    const panel = new StacPanel(model);
    panel.id = 'polartep-stac';
    panel.title.icon = polarIcon;
    panel.title.caption = 'STAC browser';
    panel.addClass('jp-polartep-panel');
    const section = new PanelWithToolbar();
    section.title.label = 'STAC browser';
    section.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Reload catalogs and collections',
        onClick: () => void model.refreshNow().then(() => model.selectCatalog(model.catalog))
      })
    );
    section.addWidget(
      new StacBrowser(model, app.commands, {
        insertCode,
        notifyError: message => Notification.error(message, { autoClose: 6000 }),
        notify: message => Notification.success(message, { autoClose: 5000 })
      })
    );
    panel.addWidget(section);
    shell.add(panel, 'left', { rank: 160 });
    restorer?.add(panel, 'polartep-stac');

    app.commands.addCommand(CommandIDs.openFeature('stac'), {
      label: 'Polar TEP: Open STAC Browser',
      icon: polarIcon,
      execute: () => shell.activateById(panel.id)
    });
    app.commands.addCommand(INSERT_CODE, {
      label: 'Polar TEP: Insert Code for the Last STAC Search',
      isEnabled: () => model.lastSearch !== null,
      execute: () => insertCode()
    });
    palette?.addItem({ command: CommandIDs.openFeature('stac'), category: 'Polar TEP' });
    palette?.addItem({ command: INSERT_CODE, category: 'Polar TEP' });
  }
};

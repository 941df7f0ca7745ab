import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Widget } from '@lumino/widgets';

import { addSidePanel } from '../common/sidepanel';
import { polarIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { Workflows, WorkflowsClient } from './client';
import { WorkflowsModel } from './model';
import { WorkflowsBody } from './panel';

const PANEL_ID = 'polartep-workflows';
const OPEN_RUN = 'polartep:workflows-open-run';
const OPEN_EDITOR = 'polartep:workflows-open-editor';
const REFRESH = 'polartep:workflows-refresh';

function findMain(shell: ILabShell, id: string): Widget | undefined {
  for (const widget of shell.widgets('main')) {
    if (widget.id === id) {
      return widget;
    }
  }
  return undefined;
}

/** Workflows: files and runs in a side panel; run views and the editor in the main area. */
export const workflowsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:workflows',
  description: 'Argo Workflow manifests: edit, validate, run locally or on Argo, watch the graph.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const client = new WorkflowsClient();
    const model = new WorkflowsModel(client);
    const actions = {
      openEditor: (path: string) => void app.commands.execute(OPEN_EDITOR, { path }),
      openRun: (name: string, backend?: Workflows.Backend) =>
        void app.commands.execute(OPEN_RUN, { name, backend: backend ?? '' })
    };
    addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: PANEL_ID,
      label: 'Workflows',
      icon: polarIcon,
      rank: 400,
      model,
      body: new WorkflowsBody(model, actions),
      refreshTooltip: 'Refresh workflows',
      openCommand: CommandIDs.openFeature('workflows'),
      openLabel: 'Polar TEP: Show Workflows',
      refreshCommand: { id: REFRESH, label: 'Polar TEP: Refresh Workflows' }
    });
    app.commands.addCommand(OPEN_RUN, {
      label: args => `Workflow run ${String(args.name ?? '')}`,
      execute: async args => {
        const name = String(args.name);
        const backend = (args.backend ? String(args.backend) : undefined) as Workflows.Backend | undefined;
        const id = `polartep-workflow-run-${name}`;
        const existing = findMain(shell, id);
        if (existing) {
          shell.activateById(id);
          return existing;
        }
        const { RunWidget } = await import('./runview');
        const content = new RunWidget(client, name, backend);
        const widget = new MainAreaWidget({ content });
        widget.id = id;
        widget.title.label = content.title.label;
        widget.title.closable = true;
        shell.add(widget, 'main');
        shell.activateById(id);
        return widget;
      }
    });
    app.commands.addCommand(OPEN_EDITOR, {
      label: args => (args.path ? `Edit workflow ${String(args.path)}` : 'Open in Workflow Editor'),
      execute: async args => {
        const selected = browser?.selectedItems().next();
        const path = args.path ? String(args.path) : selected && !selected.done ? selected.value.path : '';
        if (!path) {
          return undefined;
        }
        const { EditorWidget } = await import('./editor');
        const content = new EditorWidget(client, path, actions.openRun);
        const existing = findMain(shell, content.id);
        if (existing) {
          content.dispose();
          shell.activateById(existing.id);
          return existing;
        }
        const widget = new MainAreaWidget({ content });
        widget.id = content.id;
        widget.title.label = content.title.label;
        widget.title.caption = content.title.caption;
        widget.title.closable = true;
        shell.add(widget, 'main');
        shell.activateById(widget.id);
        return widget;
      }
    });
    app.contextMenu.addItem({
      command: OPEN_EDITOR,
      selector: '.jp-DirListing-item[data-file-type="yaml"]',
      rank: 3
    });
  }
};

import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification, showDialog } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { runIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

import { errorMessage } from '../common/model';
import { addSidePanel } from '../common/sidepanel';
import { CommandIDs } from '../tokens';
import { notifyError } from '../notify';
import { Jobs } from './client';
import { RunJobBody } from './dialog';
import { PublishBody } from './publish';
import { JobsModel } from './model';
import { IJobActions, JobsBody } from './panel';

const PANEL_ID = 'polartep-jobs';
export const RUN_JOB = 'polartep:run-job';
const REFRESH_JOBS = 'polartep:refresh-jobs';
export const PUBLISH_PROCESS = 'polartep:publish-process';

/** Headless jobs: the side panel, "Run as Job…" in the file browser, "Run headless" on notebooks. */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:jobs',
  description: 'Run notebooks headless with parameters; follow, open, cancel and rerun the jobs.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette, IFileBrowserFactory],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    browsers: IFileBrowserFactory | null
  ) => {
    const model = new JobsModel();
    const client = model.client;
    const { commands } = app;

    const run = (fn: () => Promise<unknown>) => void fn().catch(error => notifyError(errorMessage(error)));
    const actions: IJobActions = {
      openOutput: job =>
        run(async () => {
          const path = await client.copyOutput(job.id, 'ipynb');
          await commands.execute('docmanager:open', { path });
        }),
      openHtml: job => {
        const url = URLExt.join(PageConfig.getBaseUrl(), 'polartep/api/jobs', job.id, 'outputs/html');
        window.open(url, '_blank', 'noopener');
      },
      cancel: job => run(async () => client.cancel(job.id).then(() => model.refreshNow())),
      rerun: job =>
        run(async () => {
          const again = await client.rerun(job.id);
          model.select(again.id);
        }),
      remove: job =>
        run(async () => {
          const answer = await showDialog({
            title: 'Delete job',
            body: `Delete the job “${job.name}” with its log and outputs?`,
            buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
          });
          if (answer.button.accept) {
            await client.remove(job.id);
            await model.refreshNow();
          }
        }),
      unpublish: process =>
        run(async () => {
          const answer = await showDialog({
            title: 'Unpublish process',
            body: `Stop serving “${process.id}” as an OGC API process? Its past jobs stay.`,
            buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Unpublish' })]
          });
          if (answer.button.accept) {
            await client.unpublish(process.id);
            await model.refreshNow();
          }
        })
    };

    addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: PANEL_ID,
      label: 'Headless jobs',
      icon: runIcon,
      rank: 160,
      model,
      body: new JobsBody(model, actions),
      refreshTooltip: 'Refresh jobs',
      openCommand: CommandIDs.openFeature('jobs'),
      openLabel: 'Polar TEP: Show Headless Jobs',
      refreshCommand: { id: REFRESH_JOBS, label: 'Polar TEP: Refresh Jobs' }
    });

    /** The notebook to run: the command's `path`, else the file browser's selection, else the current notebook. */
    const targetPath = (args: { path?: unknown }): string | null => {
      if (typeof args.path === 'string' && args.path) {
        return args.path;
      }
      const item = browsers?.tracker.currentWidget?.selectedItems().next();
      if (item && !item.done && item.value.path.endsWith('.ipynb')) {
        return item.value.path;
      }
      const current = shell.currentWidget;
      return current instanceof DocumentWidget && current.context.path.endsWith('.ipynb') ? current.context.path : null;
    };

    commands.addCommand(RUN_JOB, {
      label: args => (args.toolbar ? 'Run headless' : 'Run as Job…'),
      caption: 'Run this notebook headless, with parameters, as a job',
      icon: runIcon,
      execute: async args => {
        const path = targetPath(args);
        if (!path) {
          notifyError('Select a notebook to run as a job');
          return;
        }
        try {
          const info = await client.parameters(path);
          const result = await showDialog({
            title: `Run “${path.split('/').pop()}” headless`,
            body: new RunJobBody(info),
            buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Run' })],
            focusNodeSelector: 'input'
          });
          if (!result.button.accept || !result.value) {
            return;
          }
          if (result.value.error || !result.value.request) {
            notifyError(result.value.error ?? 'invalid job request');
            return;
          }
          const job: Jobs.IJob = await client.submit(result.value.request);
          Notification.success(`Job “${job.name}” queued`, { autoClose: 3000 });
          shell.activateById(PANEL_ID);
          model.select(job.id);
        } catch (error) {
          notifyError(errorMessage(error));
        }
      }
    });
    commands.addCommand(PUBLISH_PROCESS, {
      label: 'Publish as Process…',
      caption: 'Serve this notebook as an OGC API process (inputs from its parameters cell)',
      execute: async args => {
        const path = targetPath(args);
        if (!path) {
          notifyError('Select a notebook to publish as a process');
          return;
        }
        try {
          const result = await showDialog({
            title: `Publish “${path.split('/').pop()}” as a process`,
            body: new PublishBody(path),
            buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Publish' })],
            focusNodeSelector: 'input'
          });
          if (!result.button.accept || !result.value) {
            return;
          }
          const process = await client.publish(result.value);
          Notification.success(`Published as the OGC API process “${process.id}”`, { autoClose: 4000 });
          shell.activateById(PANEL_ID);
          await model.refreshNow();
        } catch (error) {
          notifyError(errorMessage(error));
        }
      }
    });
    palette?.addItem({ command: PUBLISH_PROCESS, category: 'Polar TEP' });
    app.contextMenu.addItem({
      command: PUBLISH_PROCESS,
      selector: '.jp-DirListing-item[data-file-type="notebook"]',
      rank: 4
    });
    palette?.addItem({ command: RUN_JOB, category: 'Polar TEP' });

    app.contextMenu.addItem({
      command: RUN_JOB,
      selector: '.jp-DirListing-item[data-file-type="notebook"]',
      rank: 3
    });

    // "Run headless" on every notebook's toolbar
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (widget: DocumentWidget, context: DocumentRegistry.Context): IDisposable => {
        const button = new ToolbarButton({
          icon: runIcon,
          label: 'Run headless',
          tooltip: 'Run this notebook headless, with parameters, as a job',
          onClick: () => void commands.execute(RUN_JOB, { path: context.path, toolbar: true })
        });
        widget.toolbar.insertItem(10, 'polartep-run-headless', button);
        return new DisposableDelegate(() => button.dispose());
      }
    });
  }
};

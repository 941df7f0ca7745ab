import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Clipboard, Dialog, ICommandPalette, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';
import { folderIcon } from '@jupyterlab/ui-components';

import { errorMessage } from '../common/model';
import { addSidePanel } from '../common/sidepanel';
import { CommandIDs } from '../tokens';
import { Files } from './client';
import { ClashAnswer, FilesModel } from './model';
import { FilesBody, IFilesActions } from './panel';

const PREVIEW_COMMAND = 'polartep:tiles-preview';

async function askClash(name: string): Promise<ClashAnswer> {
  const result = await showDialog({
    title: 'File exists',
    body: `"${name}" already exists here. What should happen?`,
    buttons: [
      Dialog.cancelButton({ label: 'Skip' }),
      Dialog.warnButton({ label: 'Replace' }),
      Dialog.okButton({ label: 'Keep both' })
    ]
  });
  const label = result.button.label;
  return label === 'Replace' ? 'replace' : label === 'Keep both' ? 'keep_both' : 'skip';
}

function makeActions(app: JupyterFrontEnd, model: FilesModel): IFilesActions {
  const client = model.client;
  const guard = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      Notification.error(`${what}: ${errorMessage(error)}`, { autoClose: 8000 });
    }
    await model.refresh().catch(() => undefined);
  };
  return {
    rename: entry =>
      guard('Rename failed', async () => {
        const answer = await InputDialog.getText({ title: 'Rename', text: entry.name });
        if (answer.button.accept && answer.value && answer.value !== entry.name) {
          const parent = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/') + 1) : '';
          await client.move(model.root, entry.path, parent + answer.value);
        }
      }),
    remove: paths =>
      guard('Delete failed', async () => {
        const result = await showDialog({
          title: 'Move to trash',
          body: `Move ${paths.length === 1 ? `"${paths[0]}"` : `${paths.length} items`} to the trash? It can be restored from there.`,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Move to trash' })]
        });
        if (result.button.accept) {
          for (const path of paths) {
            await client.remove(model.root, path);
          }
        }
      }),
    newFolder: () =>
      guard('New folder failed', async () => {
        const answer = await InputDialog.getText({ title: 'New folder', placeholder: 'folder name' });
        if (answer.button.accept && answer.value) {
          await client.mkdir(model.root, model.join(answer.value));
        }
      }),
    paste: () =>
      guard('Paste failed', async () => {
        const clip = model.clipboard;
        if (!clip) {
          return;
        }
        for (const path of clip.paths) {
          const name = path.split('/').pop() ?? path;
          await client.copy(clip.root, path, model.join(name), 'keep_both', model.root);
        }
      }),
    download: entry => {
      const link = document.createElement('a');
      link.href = client.url(model.root, entry.path, 'download=1');
      link.download = entry.type === 'directory' ? `${entry.name}.zip` : entry.name;
      link.click();
    },
    copyPath: entry => {
      Clipboard.copyToSystem(model.root === 'workspace' ? entry.path : `${model.root}:${entry.path}`);
      Notification.info(`Copied ${entry.path}`, { autoClose: 2000 });
    },
    insertCode: code =>
      guard('Insert code failed', async () => {
        const panel: any = await app.commands.execute('notebook:create-new', { kernelName: 'python3' });
        await panel?.context?.ready;
        panel?.content?.activeCell?.model?.sharedModel?.setSource(code);
      }),
    canPreview: () => app.commands.hasCommand(PREVIEW_COMMAND),
    preview: meta => guard('Preview failed', () => app.commands.execute(PREVIEW_COMMAND, { url: meta.url ?? '' })),
    convert: entry =>
      guard('Convert to COG failed', async () => {
        const task = await model.convertToCog(entry.path);
        if (task.status === 'failed') {
          throw new Error(task.message);
        }
        Notification.success(`COG written: ${task.result?.path}`, { autoClose: 4000 });
      }),
    restore: id => guard('Restore failed', () => model.restore(id)),
    register: entry =>
      guard('Register as STAC item failed', async () => {
        const answer = await InputDialog.getText({
          title: 'Register as STAC item',
          label: 'Collection (created if it does not exist)',
          text: 'workspace-uploads'
        });
        if (answer.button.accept && answer.value) {
          const reply = await client.registerItem(model.root, entry.path, answer.value, true);
          Notification.success(`Item ${reply.item?.id} registered in ${answer.value}`, { autoClose: 4000 });
        }
      })
  };
}

/** The "Geospatial files" side panel. */
export const filesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'polartep-lab:files',
  description: 'Geospatial file manager: upload, inspect, convert to COG, register as STAC item.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (app: JupyterFrontEnd, shell: ILabShell, restorer: ILayoutRestorer | null, palette: ICommandPalette | null) => {
    const model = new FilesModel();
    model.askClash = askClash;
    addSidePanel({
      app,
      shell,
      restorer,
      palette,
      id: 'polartep-files',
      label: 'Geospatial files',
      icon: folderIcon,
      rank: 160,
      model,
      body: new FilesBody(model, makeActions(app, model)),
      refreshTooltip: 'Refresh the listing',
      openCommand: CommandIDs.openFeature('files'),
      openLabel: 'Polar TEP: Open Geospatial Files'
    });
    const trash = 'polartep:files-empty-trash';
    app.commands.addCommand(trash, {
      label: 'Polar TEP: Empty the Files Trash',
      execute: async () => {
        const result = await showDialog({
          title: 'Empty trash',
          body: 'Delete everything in the trash for good?',
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Empty trash' })]
        });
        if (result.button.accept) {
          const reply = await model.client.emptyTrash();
          Notification.info(`${reply.purged} item(s) deleted for good`, { autoClose: 3000 });
        }
      }
    });
    palette?.addItem({ command: trash, category: 'Polar TEP' });
  }
};

export type { Files };

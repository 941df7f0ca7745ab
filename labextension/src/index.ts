import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { examplesPlugin } from './examples/plugin';
import { homePlugin } from './home/plugin';
import { secretsPlugin } from './secrets/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, secretsPlugin];

export default plugins;

import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { examplesPlugin } from './examples/plugin';
import { homePlugin } from './home/plugin';
import { workflowsPlugin } from './workflows/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, workflowsPlugin];

export default plugins;

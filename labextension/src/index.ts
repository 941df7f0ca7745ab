import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { examplesPlugin } from './examples/plugin';
import { homePlugin } from './home/plugin';
import { jobsPlugin } from './jobs/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, jobsPlugin];

export default plugins;

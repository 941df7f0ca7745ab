import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { environmentsPlugin } from './environments/plugin';
import { examplesPlugin } from './examples/plugin';
import { filesPlugin } from './files/plugin';
import { homePlugin } from './home/plugin';
import { tilesPlugin } from './tiles/plugin';
import { workflowsPlugin } from './workflows/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [
  homePlugin,
  examplesPlugin,
  docsPlugin,
  environmentsPlugin,
  filesPlugin,
  workflowsPlugin,
  tilesPlugin
];
import { stacPlugin } from './stac/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, stacPlugin];
import { jobsPlugin } from './jobs/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, jobsPlugin];

export default plugins;

import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { environmentsPlugin } from './environments/plugin';
import { examplesPlugin } from './examples/plugin';
import { filesPlugin } from './files/plugin';
import { homePlugin } from './home/plugin';
import { jobsPlugin } from './jobs/plugin';
import { secretsPlugin } from './secrets/plugin';
import { stacPlugin } from './stac/plugin';
import { tilesPlugin } from './tiles/plugin';
import { workflowsPlugin } from './workflows/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [
  homePlugin,
  examplesPlugin,
  docsPlugin,
  stacPlugin,
  tilesPlugin,
  filesPlugin,
  environmentsPlugin,
  workflowsPlugin,
  jobsPlugin,
  secretsPlugin
];

export default plugins;

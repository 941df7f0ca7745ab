import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { examplesPlugin } from './examples/plugin';
import { homePlugin } from './home/plugin';
import { stacPlugin } from './stac/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, stacPlugin];

export default plugins;

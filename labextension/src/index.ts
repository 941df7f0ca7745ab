import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { docsPlugin } from './docs/plugin';
import { examplesPlugin } from './examples/plugin';
import { homePlugin } from './home/plugin';
import { tilesPlugin } from './tiles/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [homePlugin, examplesPlugin, docsPlugin, tilesPlugin];

export default plugins;

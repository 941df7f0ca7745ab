import { LabIcon } from '@jupyterlab/ui-components';

/** A stack of layers (an environment's packages) on a cube. */
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.6" stroke-linejoin="round">
    <path d="M12 3l8 4-8 4-8-4z"/>
    <path d="M4 12l8 4 8-4"/>
    <path d="M4 17l8 4 8-4"/>
  </g>
</svg>`;

export const environmentsIcon = new LabIcon({ name: 'polartep-lab:environments', svgstr: SVG });

import { LabIcon } from '@jupyterlab/ui-components';

/** A polar stereographic graticule: the pole at the centre, meridians and parallels around it. */
const POLAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <g class="jp-icon3" fill="none" stroke="#616161" stroke-width="1.6">
    <circle cx="12" cy="12" r="10"/>
    <circle cx="12" cy="12" r="6"/>
    <path d="M12 2v20M2 12h20M4.9 4.9l14.2 14.2M19.1 4.9L4.9 19.1" stroke-width="0.9"/>
  </g>
  <circle class="jp-icon-accent0" cx="12" cy="12" r="2" fill="#2a7ab0"/>
</svg>`;

export const polarIcon = new LabIcon({ name: 'polartep-lab:polar', svgstr: POLAR_SVG });

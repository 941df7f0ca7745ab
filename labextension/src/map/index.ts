/**
 * The shared map component. OpenLayers and proj4 are heavy: this module only holds types and a
 * lazy loader, so they land in a separate chunk fetched the first time a map is shown.
 */
import type { IMapOptions, IPolarMap } from './types';

export * from './types';

/** Create a map in `target`; loads OpenLayers on first use. */
export async function createMap(target: HTMLElement, options: IMapOptions): Promise<IPolarMap> {
  const module = await import(/* webpackChunkName: "polartep-map" */ './olmap');
  return new module.PolarMap(target, options);
}
